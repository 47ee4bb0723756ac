"""The kernel: journal, outbox, reminders and the leased queue every feature's work goes through."""
