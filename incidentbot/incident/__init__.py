"""The incident's nouns and the rules every feature shares: models, policy, permissions, times, text."""
