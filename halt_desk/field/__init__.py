"""The field engineer: today's tickets in route order, taking the day's work along, and the
onsite actions."""
