"""台账 (registers): disclosure requests (依申请公开) and complaints (投诉举报).

Where things are:

    models.py     RuleSetVersion, IntakeSettings, Case, CaseEvent, CaseAttachment, RateCounter, UsedChallenge
    states.py     the state machine as the rule files declare it (states, steps; logic in
                  core.steps): catalogue() (STATES, EVENTS, OPEN_STATES, OFFICE_ONLY),
                  flow_of(kind, ruleset), next_state(...), allowed_events(...), rules_dir()
    catalog.py    channels, receipt-date rules, reply types, grounds, outcomes (Chinese labels)
    rules.py      load_rules(path) / load_shipped() / current(kind) / ruleset_of(row) / describe(row)
    clock.py      today(), deadlines_of(case, cal, today) — core.deadlines.compute over the events
    selectors.py  cases_for(user), get_case(user, id), case_view(user, id, cal, today) -> CaseView,
                  parse_filter(params) -> RegisterFilter, register(user, f, today), register_page(...),
                  case_row(case, today), person_view(user, case), contact_visible(user, case),
                  zone_for(user, code), intake_zones(kind), annual_report(zone, year)
    services.py   register_case, add_attachment, open_attachment, letter_of, set_intake
    events.py     record_event (every step of a case)
    handlers.py   the steps that need code (HANDLERS: reply, extension, assign, ...), named
                  by a step's `handler` in the rule files; replies.py the reply's fields and letter
    refresh.py    refresh (the cached deadlines), refresh_after_calendar_change
    figures.py    register_figures(zone, year, cal, today): the year's figures (on time, overdue,
                  days to reply) from the cached deadlines; SOURCES: items 8, 11, 12 backed by
                  the registers (fazhi.assessments.sources)
    public.py     issue_challenge, submit, track, public_zones, hit (rate limit), RateLimited, NotFound
    exports.py    write_register_xlsx, write_annual_report_xlsx
    letters.py    reply_letter (.docx), notice_letter
    conf.py       conf(name, default): the FAZHI_PUBLIC_* settings
    views/        the pages: register.py, cases.py, intake.py (staff), portal.py (public);
                  urls.py (namespace registers) and portal_urls.py (namespace portal) route them
"""
