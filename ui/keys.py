"""Every session-state and widget key of the app, with what it holds: the one home of "tb_" names.

Values a person types live under keys no widget owns (ui/state.py says why); a widget's own key
is named here too, so a test or a page can find it. Keys made per item (a tier, a component) have
a function. tests/unit/test_house_rules.py fails on a "tb_" literal anywhere else.
"""

from __future__ import annotations

# --- the view: cut-offs, tiers, criteria, slice (ui/state.py) ---------------------------------
CUTS = "tb_cuts"  # tuple[float, ...], top first
CUTS_BY_TIERS = "tb_cuts_by_tiers"  # {(data, tier count): the cut-offs it had when left}
DATASET = "tb_dataset"  # fingerprint of the data (and key) the state above was made for
TIERS = "tb_tiers"  # the number-of-tiers widget (drawn by app.py on every run: never dropped)
BY = "tb_tier_by"  # the tier-by widget: "revenue" | "score"
WEIGHTS = "tb_weights"  # dict component -> score weight (0-100)
SLICE = "tb_slice"  # dict dimension -> list of the labels chosen
TYPED = "tb_typed"  # dict name -> other figures typed on a page (target shares, cap)
STATE_NOTICE = "tb_state_notice"  # a sentence on what a change reset, shown once by the control
INPUT_ERRORS = "tb_input_errors"  # dict widget key -> why the value typed there was not used
PRESENT = "tb_present"  # the presentation-mode toggle

# --- the plan: service matrix and teams (ui/state.py, ui/plan.py) ------------------------------
MATRIX = "tb_matrix"  # ServiceMatrix: hours per account per service and tier, edits applied
MATRIX_VERSION = "tb_matrix_version"  # bumped when MATRIX changes: a fresh table editor
MATRIX_FRAME = "tb_matrix_frame"  # (matrix, frame) the matrix editor shows (never changed)
TEAMS = "tb_teams"  # tuple[Team, ...], top first: the team serving each tier
DEFAULT_PLAN = "tb_default_plan"  # the plan last put in place as a default (edited: differs)
SUGGESTION = "tb_suggestion"  # (cuts, sentences) of the last suggestion applied
TOP_CUSTOMER_CAP = "tb_top_customer_cap"  # the cap on Tier 1's share of customers (widget)
NATURAL_SCALE = "tb_natural_scale"  # natural breaks: "log" | "linear" (widget; kept in TYPED)
PLAN_FILE = "tb_plan_file"  # the plan-file uploader
PLAN_FILE_ERROR = "tb_plan_file_error"  # why the plan file last opened could not be used
PLAN_FILE_OPENED = "tb_plan_file_opened"  # the sentence that confirms the plan file last opened
LIST_UNPROFITABLE = "tb_list_unprofitable"  # the toggle that lists the unprofitable accounts

# --- the year month by month (ui/year.py, the Confidence page) ---------------------------------
YEAR_CAPACITY = "tb_year_capacity"  # the reduced months as typed, "August 50%" (no widget owns it)
YEAR_CAPACITY_INPUT = "tb_year_capacity_input"  # the text box drawn from YEAR_CAPACITY (widget)
YEAR_CAPACITY_ERROR = "tb_year_capacity_error"  # (text typed, why it does not read)
YEAR_CHART = "tb_year_chart"  # the year's chart

# --- Who moves (ui/changes.py) -----------------------------------------------------------------
MIGRATION_BASELINE = "tb_migration_baseline"  # the scenario Who moves compares with (widget)
MOVER_DIRECTIONS = "tb_mover_directions"  # the movers' directions shown (widget)
EXPLAIN_QUERY = "tb_explain_query"  # the customer searched for (widget)
EXPLAIN_PICK = "tb_explain_pick"  # the customer picked among the matches (widget)
NEAR_WITHIN = "tb_near_within"  # "near a line": the % of a cut-off (widget)
NEAR_GRID = "tb_near_grid"  # "near a line" in a grid of the first 500 (widget; TYPED)
MOVERS_GRID = "tb_movers_grid"  # the movers in a grid of the first 500 (widget; TYPED)
MOVERS_FILE = "tb_movers_file"  # (what it was made from, bytes) of the movers CSV prepared
PREPARE_MOVERS = "tb_prepare_movers"  # the button that writes the movers CSV

# --- Confidence (ui/sensitivity.py) ------------------------------------------------------------
SENSITIVITY_WITHIN = "tb_sensitivity_within"  # "near a line" on Confidence: % of a cut-off, typed
SENSITIVITY_WITHIN_INPUT = "tb_sensitivity_within_input"  # its number input (drawn from it)
SENSITIVITY_CHART = "tb_sensitivity_chart"  # the tornado chart

# --- scenarios, links and exports (ui/scenarios.py, pages/scenarios.py) ------------------------
LINK_CHECKED = "tb_link_checked"  # the session's first run looked at the address bar
SCENARIO_NOTICE = "tb_scenario_notice"  # (kind, message) to show once, e.g. after opening a link
LOADED_SCENARIO = "tb_loaded_scenario"  # (name, version) of the saved scenario last loaded
PACK_TITLE = "tb_pack_title"  # the meeting pack's title (widget)
PREPARED_FILES = "tb_prepared_files"  # {file name: (what it was made from, bytes)}
SAVED_PICK = "tb_saved_pick"  # the saved scenario picked on the Scenarios page
COMPARE = "tb_compare"  # the scenarios compared
RENAME_TO = "tb_rename_to"  # the new name typed in the Rename popover
RENAME_POPOVER = "tb_rename_popover"  # open (True) or closed: the popovers' state is ours
DELETE_POPOVER = "tb_delete_popover"  # open (True) or closed
RENAME_ERROR = "tb_rename_error"  # why the last rename failed, shown in its popover
RENAME_FORM = "tb_rename_form"  # the form around the rename (sends name and click together)
DELETED_SCENARIO = "tb_deleted_scenario"  # the SavedScenario last deleted: Undo saves it again
SAVE_NAME = "tb_save_name"  # the name a scenario is saved under (widget)
SAVE_AUTHOR = "tb_save_author"  # who saves it (widget)
SAVE_OVERWRITE = "tb_save_overwrite"  # replace a saved scenario of that name (widget)
ADOPT_POPOVER = "tb_adopt_popover"  # the "Adopt this plan" popover: open (True) or closed

# --- the Upload page (ui/upload.py) ------------------------------------------------------------
UPLOAD_PENDING = "tb_upload_pending"  # Upload read from the current file, waiting for "Load"
UPLOAD_PENDING_KEY = "tb_upload_pending_key"  # (file digest, sheet) it was read from
UPLOAD_GENERATION = "tb_upload_generation"  # bumped after a load: a fresh, empty uploader
UPLOAD_SHEET = "tb_upload_sheet"  # the sheet of a workbook to read (widget)
UPLOAD_BASIS = "tb_upload_basis"  # what the revenue column holds (widget)
UPLOAD_AS_OF = "tb_upload_as_of"  # the day transactions are summed up to (widget)
UPLOAD_ERROR = "tb_upload_error"  # why the last load failed

# --- the session (ui/session.py, ui/entry.py) --------------------------------------------------
UPLOADED_DATASET = "tb_uploaded_store"  # a session's own upload (its own DuckDB database)
SETTINGS = "tb_settings"  # the configuration, as read at the session's start
RELOAD_NOTICE = "tb_reload_notice"  # (kind, message) after a reload, shown once
ENTRY_RAN = "tb_entry_ran"  # app.py ran in this run, and its page has not started yet

# --- the Tiers page ----------------------------------------------------------------------------
PARETO_CHART = "tb_pareto_chart"  # the Pareto curve (a keyed chart keeps its zoom)


# --- the Books page (ui/books.py) ---------------------------------------------------------------
ROSTER = "tb_roster"  # (the data, tier count, tuple[RosterLine, ...], edited?): the roster in use
ROSTER_VERSION = "tb_roster_version"  # bumped when ROSTER changes: a fresh roster editor
ROSTER_CSV = "tb_roster_csv"  # (roster, bytes) of the roster's CSV download
ROSTER_FRAME = "tb_roster_frame"  # (roster, frame) the roster editor shows (never changed)
ROSTER_FILE = "tb_roster_file"  # the roster uploader
ROSTER_ERROR = "tb_roster_error"  # why the roster last typed or opened was not used
ROSTER_RESET = "tb_roster_reset"  # the "Start again from the data" button
BOOK_RULES = "tb_book_rules"  # RuleChoice: the rules the proposal follows, as set
RULE_REGION = "tb_rule_region"  # "Keep accounts in their region" (widget)
RULE_RENEWAL = "tb_rule_renewal"  # days before a renewal an account stays put (widget)
RULE_MAX_MOVES = "tb_rule_max_moves"  # the cap on moves (widget)
RULE_WEIGHTED = "tb_rule_weighted"  # fewest revenue moved instead of fewest accounts (widget)
PINS_TEXT = "tb_pins_text"  # pinned accounts typed, "customer_id,csm" a line (widget)
PINS_FILE = "tb_pins_file"  # the pins uploader
PINS_ERROR = "tb_pins_error"  # why the pins file could not be read
PROPOSE = "tb_propose"  # the "Propose assignment" button
PROPOSAL = "tb_proposal"  # (what it was made for, cut-offs, the proposal) of the last proposal
PROPOSAL_ERROR = "tb_proposal_error"  # why the last proposal could not be made
BOOK_MOVER_FILES = "tb_book_mover_files"  # {"CSV" | "XLSX": bytes} of the proposal's movers
BOOKS_CHART = "tb_books_chart"  # the books chart (a keyed chart keeps its zoom)


# --- Tiers over time (ui/history.py, ui/history_source.py) ------------------------------------
HISTORY_SOURCE = "tb_history_source"  # where the periods come from (widget; kept in TYPED)
HISTORY_UPLOADED = "tb_history_uploaded"  # {source: LoadedHistory} built from this session's files
HISTORY_FILES_GENERATION = "tb_history_files_generation"  # bumped after a build: fresh uploaders
HISTORY_UPLOAD_ERROR = "tb_history_upload_error"  # {source: sentences} of the last build's failures
HISTORY_ADOPTED = "tb_history_adopted"  # (LoadedHistory as adopted, recomputed, AdoptedHistory)
HISTORY_ADOPTED_ERROR = "tb_history_adopted_error"  # why the adoptions could not be read
HISTORY_AS_ADOPTED = "tb_history_as_adopted"  # tiers as adopted, not recomputed (widget; TYPED)
HISTORY_READ_ADOPTED = "tb_history_read_adopted"  # "Read the adoptions again" button
HISTORY_QUARTERS = "tb_history_quarters"  # quarters cut from a transactions file (widget)
HISTORY_QUARTERS_BUILT = "tb_history_quarters_built"  # the quarters the built history asked for
HISTORY_BUFFER = "tb_history_buffer"  # buffer band, % (widget; kept in TYPED)
HISTORY_MIN_STAY = "tb_history_min_stay"  # minimum stay, periods (widget; kept in TYPED)
HISTORY_PROTECT = "tb_history_protect"  # protect until renewal (widget; kept in TYPED)
HISTORY_FLAP_WITHIN = "tb_history_flap_within"  # a flap: back within N periods (widget; TYPED)
HISTORY_TARGET = "tb_history_target"  # the churn cap, % of accounts a quarter (widget; TYPED)
HISTORY_FLOW_BY = "tb_history_flow_by"  # the flow chart counts accounts or revenue (widget)
HISTORY_PAIR_FROM = "tb_history_pair_from"  # the matrix's first period (widget)
HISTORY_PAIR_TO = "tb_history_pair_to"  # the matrix's second period (widget)
HISTORY_FLAPPED = "tb_history_flapped"  # (what it was made from, table) of the flapped accounts
HISTORY_LIST_FLAPPED = "tb_history_list_flapped"  # the "List the flapped accounts" button
HISTORY_SUGGESTION = "tb_history_suggestion"  # {"buffer" | "cuts": (what it was made from, result)}
HISTORY_SUGGEST_BUFFER = "tb_history_suggest_buffer"  # "Find the smallest stable buffer" button
HISTORY_SUGGEST_CUTS = "tb_history_suggest_cuts"  # "Suggest cut-offs ..." button
HISTORY_USE_BUFFER = "tb_history_use_buffer"  # "Use a 2.9% buffer band" button
HISTORY_USE_CUTS = "tb_history_use_cuts"  # "Use these cut-offs" button
HISTORY_FLOW_CHART = "tb_history_flow_chart"  # the flow chart
HISTORY_CHURN_CHART = "tb_history_churn_chart"  # the churn chart
RULES_COMPARE = "tb_rules_compare"  # a figure page's "with and without rules" expander (TYPED)


def history_file_key(source: str, generation: int) -> str:
    """The Tiers over time page's uploader of a source: a new generation, a fresh uploader."""
    return f"tb_history_file_{source}_{generation}"


def history_period_key(source: str, generation: int, position: int) -> str:
    """The period typed for the uploaded file at `position`."""
    return f"tb_history_period_{source}_{generation}_{position}"


# --- keys made per item --------------------------------------------------------------------------
def weight_key(component: str) -> str:
    """The weight slider of a score component."""
    return f"tb_weight_{component}"


def slice_key(dimension: str) -> str:
    """The slice's multiselect of a dimension (segment, region, ...)."""
    return f"tb_slice_{dimension}"


def slider_key(cut: int) -> str:
    """The slider of cut-off `cut` (0 is Tier 1's)."""
    return f"tb_cut_slider_{cut}"


def exact_key(cut: int) -> str:
    """The typed figure of cut-off `cut`."""
    return f"tb_cut_exact_{cut}"


def csms_key(tier: int) -> str:
    """A tier team's headcount input."""
    return f"tb_csms_{tier}"


def hours_per_csm_key(tier: int) -> str:
    """A tier team's customer-facing hours per CSM input."""
    return f"tb_hours_per_csm_{tier}"


def cost_key(tier: int) -> str:
    """A tier team's loaded cost per hour input."""
    return f"tb_cost_per_hour_{tier}"


def target_share_key(tier: int) -> str:
    """The target revenue share of a tier (Plan page)."""
    return f"tb_target_share_{tier}"


def matrix_editor_key(version: int) -> str:
    """The service-matrix editor: a new version, a fresh editor."""
    return f"tb_matrix_editor_{version}"


def prepare_key(file_name: str) -> str:
    """The Prepare button of an export."""
    return f"tb_prepare_{file_name}"


def map_key(canonical: str) -> str:
    """The Upload page's column picker of a canonical column."""
    return f"tb_map_{canonical}"


def upload_file_key(generation: int) -> str:
    """The Upload page's uploader: a new generation, a fresh, empty uploader."""
    return f"tb_upload_file_{generation}"


def roster_editor_key(version: int) -> str:
    """The roster editor: a new version, a fresh editor."""
    return f"tb_roster_editor_{version}"
