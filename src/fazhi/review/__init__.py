"""The review chain above the zone: campaign (创建试点通知), application (申报), the city's
evaluation and forwarding (转报), the province's review with an expert panel (评审), ranking,
publicity (公示) and naming (命名).

    models.py      Campaign, Application, CityScore, PanelMember, ExpertResult, ExpertDeclaration
    services.py    one function per use case, one transaction each, audited
    panel.py       the province's panel: members, expert sheets, panel result
    selectors.py   reads with scope (orgs.access), totals through core.scoring
    documents.py   the 公文 as data (reports.gongwen): the zone's report, the 情况报告, the notice
    package.py     the evidence package (.zip + manifest) and its verification
"""
