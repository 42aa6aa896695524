"""The agent's desk: intake, ticket actions, the ticket list, the SLA board and reminders."""
