// The tests talk to collectors on 127.0.0.1. A developer's or CI's own HTTP_PROXY (without NO_PROXY for loopback)
// would send them through that proxy, as the store must do for real use: the tests that want a proxy set one
// themselves, so the machine's is cleared for every test file.
for (const name of ['http_proxy', 'HTTP_PROXY', 'https_proxy', 'HTTPS_PROXY', 'no_proxy', 'NO_PROXY']) delete process.env[name];
