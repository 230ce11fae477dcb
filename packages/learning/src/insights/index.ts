// Owned by the insights work (issue 4): LearningInsight, polarity, policy, rules, FeedbackLoop.
export {};
