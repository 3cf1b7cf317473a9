"""Benchmark of the review chain on the embedded default (SQLite).

Prints:
  - the zone's report (报送报告 with its two attachments) for the seed's table with 100
    evidence files, as .docx and as PDF: the first call in the process (fonts loaded) and the
    median of 5 more;
  - the evidence package over BENCH_PACKAGE_MB (default 1024) of evidence: time, and the peak
    of Python allocations (tracemalloc) and of the process's resident memory while it streams;
  - ranking a campaign of 200 reviewed applications with 7 experts each (one query + the pure
    ranking), median of 20.
Run: python bench/review_bench.py  (or `make bench`).
"""

from __future__ import annotations

import hashlib
import os
import resource
import statistics
import sys
import tempfile
import time
import tracemalloc
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))  # the tests' fixtures build the same campaign and assessment
PACKAGE_MB = int(os.environ.get("BENCH_PACKAGE_MB", "1024"))
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def timed(fn, runs=5):
    times = []
    for _ in range(runs):
        t = time.perf_counter()
        fn()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def main() -> None:
    data_dir = tempfile.mkdtemp(prefix="fazhi-review-bench-")
    os.environ["FAZHI_DATA_DIR"] = data_dir
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "fazhi.settings")
    import django

    django.setup()
    from django.core.files.uploadedfile import SimpleUploadedFile
    from django.core.management import call_command

    from fazhi.assessments.evidence import storage
    from fazhi.assessments.models import Blob, Evidence, Result
    from fazhi.assessments.services import add_evidence, create_assessment
    from fazhi.frameworks.services import load_file
    from fazhi.orgs.services import add_org, add_user
    from fazhi.reports.gongwen import render_docx, render_pdf
    from fazhi.review import documents, panel
    from fazhi.review.models import Application, PanelMember
    from fazhi.review.package import verify_package, write_package
    from fazhi.review.services import create_campaign, open_application
    from fazhi.workplan.services import create_plan, load_template
    from tests.review_fixtures import campaign_body, fill_assessment

    call_command("migrate", verbosity=0)
    load_file(ROOT / "frameworks" / "sc-sti-law-zone-2019.yaml")
    load_template(ROOT / "plans" / "zy-gxq-sti-law-2020.yaml")
    add_org("sc", "四川省科学技术厅", "province")
    add_org("sc-zy", "资阳市科学技术局", "city", "sc")
    add_org("zy-gxq", "资阳高新区", "zone", "sc-zy")
    office = add_user("office", "Bench-Passw0rd!", "office", "zy-gxq", must_change=False)
    province = add_user("province", "Bench-Passw0rd!", "reviewer", "sc", must_change=False)
    assessment = create_assessment(office, "zy-gxq", "sc-sti-law-zone-2019", None, 2025)
    create_plan(office, "zy-gxq", "zy-gxq-sti-law-2020", 2025, report_day=25)
    fill_assessment(assessment, office)  # one file per scored item
    codes = list(
        Result.objects.filter(assessment=assessment).values_list("indicator__code", flat=True)
    )
    n = Evidence.objects.count()
    for i in range(100 - n):
        add_evidence(
            office,
            assessment.pk,
            codes[i % len(codes)],
            SimpleUploadedFile(f"材料{i}.pdf", PDF + str(i).encode()),
        )
    campaign = create_campaign(province, campaign_body())
    app = open_application(office, campaign.code, "zy-gxq")
    from fazhi.reports.gongwen.pdf import warm_up

    t = time.perf_counter()
    warm_up()
    print(
        f"PDF fonts loaded (once per process, at `fazhi serve` start): {(time.perf_counter() - t) * 1000:.0f} ms"
    )
    print(f"report for the seed's table, {Evidence.objects.count()} evidence files:")
    for name, render in (("docx", render_docx), ("pdf", render_pdf)):
        t = time.perf_counter()
        size = len(render(documents.zone_report(app)))
        first = time.perf_counter() - t
        median = timed(lambda r=render: r(documents.zone_report(app)))
        print(
            f"  report.{name}: first {first * 1000:.0f} ms, then median {median * 1000:.0f} ms ({size // 1024} KB)"
        )

    # 1 GB of evidence: files of 64 MB written straight into the store, rows added directly.
    chunk = os.urandom(1024 * 1024)
    result = Result.objects.filter(assessment=assessment).first()
    left, k = PACKAGE_MB, 0
    while left > 0:
        mb = min(64, left)
        digest = hashlib.new("sm3")
        tmp = Path(data_dir) / f"blob{k}"
        with open(tmp, "wb") as f:
            for j in range(mb):
                part = chunk[:-8] + j.to_bytes(4, "big") + k.to_bytes(4, "big")
                digest.update(part)
                f.write(part)
        blob = Blob(digest=digest.hexdigest(), size=mb * 1024 * 1024, file_type="pdf")
        dest = Path(storage().path(blob.storage_name))
        dest.parent.mkdir(parents=True, exist_ok=True)
        tmp.rename(dest)
        blob.save()
        Evidence.objects.create(result=result, blob=blob, name=f"大文件{k}.pdf", uploaded_by=office)
        left, k = left - mb, k + 1
    out = Path(data_dir) / "package.zip"
    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    tracemalloc.start()
    t = time.perf_counter()
    with open(out, "wb") as f:
        manifest = write_package(app, f)
    elapsed = time.perf_counter() - t
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss_after = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    print(
        f"evidence package: {len(manifest['files'])} files, {out.stat().st_size / 2**20:.0f} MB in {elapsed:.1f} s; "
        f"peak Python allocations {peak / 2**20:.1f} MB; max RSS {rss_before / 1024:.0f} -> {rss_after / 1024:.0f} MB"
    )
    t = time.perf_counter()
    verify_package(out)
    print(f"  fazhi package verify: {time.perf_counter() - t:.1f} s")
    out.unlink()

    # 200 reviewed applications with 7 experts each, in one campaign.
    for i in range(7):
        add_user(f"e{i}", "Bench-Passw0rd!", "expert", "sc", must_change=False)
    from fazhi.orgs.models import User

    experts = list(User.objects.filter(username__startswith="e"))
    zones = [add_org(f"z{i}", f"园区{i}", "zone", "sc-zy") for i in range(199)]
    apps = [
        Application(
            campaign=campaign,
            zone=z,
            assessment=assessment,
            status=Application.Status.REVIEWED,
            report_title="报告",
            report_issuers=z.name,
            report_addressee="省科学技术厅",
            report_body="正文",
            panel_score=Decimal(60 + i % 40),
            panel_scored=Decimal(55 + i % 30),
            panel_bonus=Decimal(i % 3),
        )
        for i, z in enumerate(zones)
    ]
    Application.objects.bulk_create(apps)
    Application.objects.filter(pk=app.pk).update(
        status=Application.Status.REVIEWED, panel_score=90, panel_scored=88, panel_bonus=2
    )
    PanelMember.objects.bulk_create(
        [PanelMember(application=a, expert=e) for a in Application.objects.all() for e in experts]
    )
    rows = panel.ranking(campaign)
    median = timed(lambda: panel.ranking(campaign), runs=20)
    print(
        f"ranking {len(rows)} applications x {len(experts)} experts: median {median * 1000:.1f} ms"
    )


if __name__ == "__main__":
    main()
