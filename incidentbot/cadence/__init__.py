"""Updates and the promises they make: next-update times, nags, snoozes and escalation."""
