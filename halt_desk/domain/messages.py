"""The codes of the messages the core gives a person (`DeskInputError` and its kin): each
code's value is the English message id in the catalogue, with `{placeholders}`; the
catalogue words it in the reader's language (halt_desk.i18n)."""

from __future__ import annotations

from enum import StrEnum

from halt_desk.i18n import N_


class Msg(StrEnum):
    """What is wrong with a person's input; stable names, catalogue texts as values."""

    # tickets
    TICKET_NOT_FOUND = N_("Ticket {ticket} does not exist.")
    TICKET_CLOSED = N_("Ticket {ticket} is closed.")
    TICKET_ALREADY_DONE = N_("Ticket {ticket} is already finished.")
    TICKET_NOT_YOURS = N_("Ticket {ticket} is not assigned to you.")
    NO_UPLIFT_IN_CONTRACT = N_("The contract of this organisation has no P1 uplift.")
    CHOOSE_REACHED_CHANNEL = N_("Choose how you reached the caller.")
    WRITE_A_NOTE = N_("Write a note.")
    CHOOSE_ASSIGNEE = N_("Choose who to assign the ticket to.")
    ALREADY_ASSIGNED = N_("Ticket {ticket} is already assigned to {name}.")
    NOT_ASSIGNABLE = N_(
        "{name} does not work tickets: choose a service desk colleague or a field engineer."
    )
    NOTHING_CHANGED = N_("Nothing has changed.")
    EDIT_NEEDS_REASON = N_("Give a reason for the change.")
    CALLER_OTHER_ORGANISATION = N_("This caller does not work for the organisation of the ticket.")
    SCORE_OUT_OF_RANGE = N_("A satisfaction score is 1 to 10.")
    NO_SUCH_MAIL = N_("Ticket {ticket} has no such e-mail.")
    # the limits table (domain.limits)
    TEXT_TOO_LONG = N_("This text is too long: at most {limit} characters.")
    EVENT_TOO_LARGE = N_(
        "Together these texts are too long to record at once (at most {limit} KiB)."
    )
    # intake
    CHOOSE_IMPACT_AND_URGENCY = N_("Choose impact and urgency from the list.")
    CHOOSE_CALLER = N_("Choose a caller from the staff directory.")
    FILL_IN_SUMMARY = N_("Fill in a short summary.")
    CHOOSE_CHANNEL = N_("Choose a channel.")
    CHOOSE_CATEGORY = N_("Choose a category.")
    CHOOSE_IMPACT = N_("Choose the impact.")
    CHOOSE_URGENCY = N_("Choose the urgency.")
    CHOOSE_PRIORITY = N_("Choose an existing priority.")
    OVERRIDE_NEEDS_REASON = N_("Give a reason why you depart from the suggested priority.")
    # changes (domain.change_kpi)
    CHOOSE_CHANGE_TYPE = N_("Choose the type of change.")
    CHOOSE_PLAN_DATE = N_("Give the date the change is planned for (dd-mm-yyyy).")
    NOT_A_CHANGE = N_("Ticket {ticket} is not a change.")
    CHANGE_ALREADY_IMPLEMENTED = N_("Change {ticket} has been implemented already.")
    # vulnerabilities (domain.vulnerabilities)
    NOT_A_CVE = N_("Give a CVE identifier such as CVE-2027-12345.")
    CHOOSE_SEVERITY = N_("Choose the severity.")
    CHOOSE_VULNERABILITY_STATUS = N_("Choose the status.")
    DESCRIBE_MEASURE = N_("Describe the measure taken (at most 1000 characters).")
    VULNERABILITY_DATE = N_("Give the date of this step (dd-mm-yyyy), not in the future.")
    VULNERABILITY_DATE_IN_MONTH = N_(
        "Give a date in the chosen month: from {first} to {last}, not in the future."
    )
    ONLY_ADMIN_RECORDS_VULNERABILITIES = N_(
        "Only an administrator (the provider's service manager) records vulnerabilities."
    )
    # field work
    FILL_IN_CONFIRMED_BY = N_("Fill in who confirms that the employee can work again.")
    TIME_WITHOUT_ZONE = N_("Time without a time zone.")
    TIME_IN_FUTURE = N_("The time lies in the future.")
    TIME_BEFORE_REPORT = N_("The time lies before the report.")
    UNKNOWN_ACTION = N_("Unknown action.")
    TICKET_HAS_NO_SWAP = N_("Ticket {ticket} has no planned swap.")
    # device register
    NOT_AN_ASSET_TAG = N_("{text} is not an asset tag (such as HALT-LT-00042).")
    DEVICE_ALREADY_REGISTERED = N_("Device {tag} is already in the register.")
    DEVICE_NOT_FOUND = N_("Device {tag} is not in the register.")
    FILL_IN_SERIAL = N_("Fill in the serial number (letters and digits).")
    SERIAL_IN_USE = N_("Serial number {serial} already belongs to another device.")
    FILL_IN_MODEL = N_("Fill in the model.")
    FILL_IN_ORGANISATION = N_("Fill in the organisation.")
    CHOOSE_DEPOT = N_("Choose an existing depot.")
    UNKNOWN_CHECK = N_("Unknown item of the checklist.")
    # swaps
    SWAP_NOT_FOUND = N_("Swap {swap} does not exist.")
    SWAP_ALREADY_OPEN = N_("A swap is already open for ticket {ticket}.")
    NO_SWAP_REQUEST = N_("Ticket {ticket} has no swap request.")
    FILL_IN_HOME_ADDRESS = N_("Fill in the home address for the courier.")
    CHOOSE_ENGINEER = N_("Choose the engineer who issues the loaner.")
    NO_SHIPMENT_FOR_LEG = N_("This swap has no shipment for this leg yet.")
    CHOOSE_EMERGENCY_KIND = N_("Choose virtual workplace or pool device.")
    CHOOSE_SANITISATION_METHOD = N_(
        "Choose a wiping method (NIST SP 800-88 Clear/Purge/Destroy or BitLocker crypto-erase)."
    )
    FILL_IN_OPERATOR = N_("Fill in who wiped the device.")
    FILL_IN_CERTIFICATE = N_("Fill in the number of the wiping certificate.")
    GIVE_OUTCOME = N_("Say why the swap stops.")
    SWAP_NOT_PLANNED = N_("Swap {swap} is not planned yet.")
    SWAP_CLOSED = N_("Swap {swap} is closed.")
    SWAP_HAS_NO_LOANER = N_("Swap {swap} has no loaner; reserve one first.")
    CHOOSE_CARRIER = N_("Choose the carrier ({carriers}).")
    NOT_A_TRACKING_CODE = N_("{code} is not a track-and-trace code of {carrier}.")
    # the employee's own (broken) device
    FILL_IN_TAG_OR_SERIAL = N_(
        "Scan or type the asset tag of the employee's own device, or its serial number if it "
        "has no asset tag."
    )
    OWN_DEVICE_ALREADY_TAKEN = N_("Swap {swap} already took back device {tag}.")
    OWN_DEVICE_IS_LOANER = N_("{tag} is the loaner of swap {swap}, not the employee's own device.")
    NOT_AN_OWN_DEVICE = N_("{tag} is not an employee's own device taken back in a swap.")
    FILL_IN_FINDING = N_("Fill in what the diagnosis found.")
    SANITISE_FIRST = N_(
        "Record the data sanitisation of {tag} first (method, operator and certificate): an "
        "employee's device goes to the lessor or the scrap heap only after it was wiped."
    )
    SWAP_HAS_NO_OWN_DEVICE = N_("Swap {swap} has not taken back a device of the employee.")
    OWN_DEVICE_NOT_DONE = N_(
        "Swap {swap} cannot close yet: the employee's own device {tag} is not back with its "
        "owner, returned to the lessor or retired."
    )
    # stock
    CHOOSE_MODEL = N_("Choose the model.")
    CHOOSE_MITIGATION = N_("Choose extra stock, another depot or prioritising.")
    DESCRIBE_MITIGATION = N_("Describe the measure in a few words.")
    # the device life cycle refuses a move (logistics.refusals)
    DEVICE_REFUSED_UNREGISTERED = N_("Device {tag} is not in the register; cannot {action}.")
    DEVICE_REFUSED = N_("Device {tag} is {state}; cannot {action}: {why}.")
    DEVICE_REFUSED_HELD = N_("Device {tag} is {state} for swap {swap}; cannot {action}: {why}.")
    # ticket actions with content (issue 18)
    SAY_WHAT_WAS_TOLD = N_("Write what you told the caller.")
    CHOOSE_HOW_TOLD = N_("Choose how you told the caller: phone, e-mail or portal.")
    DESCRIBE_RESOLUTION = N_("Describe the resolution.")
    GIVE_REOPEN_REASON = N_("Give the reason for reopening.")
    TICKET_NOT_RESOLVED = N_(
        "Ticket {ticket} is not resolved; only a resolved ticket can be reopened."
    )
    CLOSED_CANNOT_REOPEN = N_(
        "Ticket {ticket} is closed and cannot be reopened; record a new ticket instead."
    )
    FIRST_RESPONSE_EXISTS = N_("Ticket {ticket} already has a first response ({when}).")
    # disruption and maintenance notices (desk.notices)
    CHOOSE_NOTICE_KIND = N_("Choose disruption or planned maintenance.")
    FILL_IN_NOTICE_TITLE = N_("Fill in a title for the notice.")
    WRITE_NOTICE_TEXT = N_("Write what the employees need to know.")
    CHOOSE_NOTICE_SCOPE = N_(
        "Choose who the notice is for: the organisation, a location or a team."
    )
    UNKNOWN_NOTICE_LOCATION = N_("Choose a location of {org}.")
    UNKNOWN_NOTICE_TEAM = N_("Choose a team of {org}.")
    NOTICE_END_BEFORE_START = N_("The end lies before the start.")
    NOTICE_NOT_FOUND = N_("Notice {notice} does not exist.")
    NOTICE_CLOSED = N_("Notice {notice} is closed: the all-clear has been given.")
    NOTICE_OTHER_ORGANISATION = N_("Notice {notice} is for another organisation than the ticket.")
    TICKET_ALREADY_LINKED = N_("Ticket {ticket} is already linked to this notice.")
    # the monthly report (reports.errors)
    MONTH_NOT_WRITTEN = N_("Write the month as YYYY-MM, for example {example}.")
    MONTH_DOES_NOT_EXIST = N_("There is no month {month}: a month is 01 to 12.")
    MONTH_YEAR_OUT_OF_RANGE = N_("Choose a year from 2000 to 2100.")
    MONTH_NOT_BEGUN = N_("The month {month} has not begun yet.")
    MONTH_WITHOUT_TICKETS = N_("No tickets of {org} were reported in {month}.")
    UNKNOWN_ORGANISATION = N_("Organisation {org} is not known on this computer.")
    CHOOSE_ORGANISATION = N_("Choose an organisation.")
    # signing in to central (sync.errors)
    SERVER_NOT_A_WEB_ADDRESS = N_(
        "Fill in the server's web address, such as https://desk.example.nl:8765."
    )
    SERVER_PLAIN_HTTP = N_(
        "Use https:// for this server; http:// is only allowed to this computer itself."
    )
    SERVER_ADDRESS_EXTRA = N_(
        "Give only the server's address (https://name:port), without a user name, password, ? or #."
    )
    SERVER_UNREACHABLE = N_(
        "The server {server} cannot be reached. Check the address and the network "
        "connection, or work offline."
    )
    SERVER_NOT_TRUSTED = N_(
        "The connection to {server} is not trusted: its certificate was not issued by a "
        "certificate authority this computer trusts. Ask your administrator."
    )
    TOKEN_REFUSED = N_(
        "The server refuses this token. Check it, or ask your administrator for a new one."
    )
    SERVER_ANSWER_UNUSABLE = N_(
        "The server {server} gave an answer HALT Desk cannot use. Check that this is the "
        "address of the HALT Desk server."
    )
    TOKEN_NOT_KEPT = N_(
        "The token cannot be kept safely on this computer: there is no keychain, and no "
        "passphrase for the encrypted file. Ask your administrator."
    )
    SETTINGS_INVALID = N_(
        "The settings of HALT Desk on this computer are not valid; ask your administrator."
    )
    # the escalation register (domain.escalations)
    ESCALATION_FIELD_REQUIRED = N_("Fill in {field} of the escalation.")
    ESCALATION_CHOICE = N_("Choose {field} from: {options}.")
    ESCALATION_LIST_OF_TEXTS = N_("{field} is a list of texts.")
    ESCALATION_SCORE = N_("{field} is a score from 1 to 10.")
    ESCALATION_LEVEL_TOO_LOW = N_(
        "An issue beyond the operational is escalated at level {level} at least."
    )
    ESCALATION_EXISTS = N_("Escalation {escalation} has been registered already.")
    ESCALATION_OTHER_ORG = N_("This suggestion belongs to organisation {org}.")
    ESCALATION_SAME_LEVEL = N_("The escalation is at level {level} already.")
    ESCALATION_ACTION_EXISTS = N_("The action list has “{action}” already.")
    ESCALATION_DATE = N_("{field} is a date (YYYY-MM-DD).")
    ESCALATION_NO_SUCH_ACTION = N_("The action list has no “{action}”.")
    ESCALATION_NOT_NOW = N_("{event} cannot be recorded on this escalation now.")
    ESCALATION_NOT_FOUND = N_("Escalation {escalation} does not exist.")
    ESCALATION_ENDED = N_("Escalation {escalation} is closed or dismissed.")
