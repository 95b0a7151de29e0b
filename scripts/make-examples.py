#!/usr/bin/env python3
"""Make the bundled example exports in examples/ (run from the repository root).

    python3 scripts/make-examples.py [--generator ../shared/tools/gen_register.py]

* riverside-wide.csv   a wide export of a fictional secondary school, Riverside Academy, as a MIS
                       writes it: UTF-8 with a byte-order mark, CRLF, "Mon 02/09/2024 AM" headers,
                       an Adno column, a column attend does not use, a trailing empty column,
                       some "-" (no mark) cells and a Total row at the end.
* riverside-long.csv   the same marks and pupils as a long export (one row per mark), UTF-8, LF.
* riverside-truth.json the generator's ground truth for every pupil (for tests and checks).
* kellington-cp1252.csv a small primary school's wide export in Windows-1252 (names such as Zoë
                       and O'Brien), as Excel saves it.
* riverside-contacts.csv Riverside's parents and carers as a SIMS-style contacts report: one row per
                       contact (UTF-8 with a byte-order mark, CRLF), with the MIS's contact id.
                       Brothers and sisters share their parents' rows (the Parkers, Le Roux, Żak,
                       Russell and Smith-Jones children, two Chapman families); Zoë O'Brien's
                       father lives elsewhere; the Le Roux boys' father is under a court order (no
                       contact); Lily Parker's grandmother has no parental responsibility; Lucas
                       Muñoz lives with a foster carer and has a social worker, who is also a
                       contact of Connor Young (which does not make them brothers).

Everything is deterministic (fixed seeds), so running this again gives the same files.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "examples")


def run_gen(gen, args):
    return subprocess.run([sys.executable, gen] + args, check=True, capture_output=True).stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--generator", default=os.path.join(ROOT, "..", "shared", "tools", "gen_register.py"))
    a = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    common = ["--pupils", "80", "--seed", "31", "--phase", "secondary", "--until", "2025-03-14",
              "--names-from-seed", "--missing-rate", "0.001", "--missing-mark", "dash"]
    truth = os.path.join(OUT, "riverside-truth.json")
    raw = run_gen(a.generator, common + ["--format", "wide", "--header-style", "weekday", "--newline", "lf",
                                         "--truth", truth])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    n_pupil = header.index("EAL") + 1
    sessions = header[n_pupil:]

    # wide, as a MIS writes it: Adno after UPN, an unused column, a trailing empty column, a Total row
    wide_header = [header[0], "Adno"] + header[1:n_pupil] + ["Attendance %"] + sessions + [""]
    wide_rows = []
    for k, r in enumerate(body):
        marks = r[n_pupil:]
        present = sum(1 for m in marks if m in ("/", "\\", "L"))
        counted = sum(1 for m in marks if m not in ("", "-", "#", "Z", "X", "D", "Q") and not m.startswith("Y"))
        pct = f"{100 * present / counted:.1f}" if counted else ""
        wide_rows.append([r[0], f"{1001 + k:06d}"] + r[1:n_pupil] + [pct] + marks + [""])
    total = ["Total", "", "", "", "", "", "", "", "", "", ""] + ["" for _ in sessions] + [""]
    total[len(wide_header) - len(sessions) - 2] = ""
    with open(os.path.join(OUT, "riverside-wide.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(wide_header)
        w.writerows(wide_rows)
        w.writerow(total[: len(wide_header)])

    # long: the same pupils and marks, one row per mark
    with open(os.path.join(OUT, "riverside-long.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["UPN", "Adno", "Legal Surname", "Legal Forename", "Year", "Reg Group", "DOB", "FSM", "SEN",
                    "EAL", "Date", "Session", "Mark", "Minutes Late"])
        for k, r in enumerate(body):
            for head, mark in zip(sessions, r[n_pupil:]):
                _, date, half = head.split(" ")
                w.writerow([r[0], f"{1001 + k:06d}"] + r[1:n_pupil] + [date, half, mark, ""])

    # a primary school's export in Windows-1252
    cp = run_gen(a.generator, ["--pupils", "40", "--seed", "5", "--phase", "primary", "--until", "2024-12-20",
                               "--names-from-seed", "--encoding", "cp1252", "--year-style", "word"])
    with open(os.path.join(OUT, "kellington-cp1252.csv"), "wb") as f:
        f.write(cp)
    contacts(body)
    with open(truth, encoding="utf-8") as f:
        n = len(json.load(f))
    print(f"wrote examples/: riverside-wide.csv, riverside-long.csv ({n} pupils), kellington-cp1252.csv, "
          "riverside-contacts.csv")


STREETS = ["Weir Road", "Mill Lane", "Church Street", "Park Avenue", "Orchard Close", "Station Road",
           "Meadow Way", "Bridge Street", "Victoria Road", "Willow Grove", "Castle Hill", "Brook Lane"]
MOTHERS = ["Sarah", "Emma", "Rachel", "Laura", "Nicola", "Claire", "Gemma", "Hannah", "Kelly", "Amy",
           "Jo", "Lisa", "Michelle", "Natalie", "Zainab", "Aisha", "Priya", "Kate"]
FATHERS = ["James", "David", "Mark", "Paul", "Daniel", "Chris", "Lee", "Imran", "Tom", "Ben", "Adam",
           "Gareth", "Ravi", "Steven"]


def contacts(body):
    """riverside-contacts.csv: one row per contact, as a SIMS contacts report gives it."""
    import random
    rnd = random.Random(13)
    pupils = {r[0]: r for r in body}  # UPN -> row (UPN, surname, forename, ...)
    adno = {r[0]: f"{1001 + k:06d}" for k, r in enumerate(body)}
    people = {}  # contact id -> person
    links = []  # (UPN, contact id, relationship, PR, priority, lives with, court order)

    def person(title, forename, surname, address, mobile="", home="", work="", email="", prefer=""):
        cid = str(40001 + len(people))
        people[cid] = dict(title=title, forename=forename, surname=surname, address=address,
                           mobile=mobile, home=home, work=work, email=email, prefer=prefer)
        return cid

    def phone():
        return f"07700 900{rnd.randrange(1000):03d}"

    def address(town="Townley", area="TW"):
        return (f"{rnd.randrange(1, 120)} {rnd.choice(STREETS)}", "", town,
                f"{area}{rnd.randrange(1, 10)} {rnd.randrange(1, 10)}{rnd.choice('ABDEFGHJLNPQRSTUWXYZ')}"
                f"{rnd.choice('ABDEFGHJLNPQRSTUWXYZ')}")

    def email(forename, surname):
        return f"{forename}.{surname}".lower().replace("'", "").replace(" ", "") + "@example.org"

    def by_name(surname, forename):
        return next(u for u, r in pupils.items() if r[1] == surname and r[2] == forename)

    families = set()
    # Zoë O'Brien: mother at home, father elsewhere, both with parental responsibility
    zoe = by_name("O'Brien", "Zoë")
    home = ("12 Weir Road", "", "Townley", "TW1 3QT")
    m = person("Mrs", "Siobhan", "O'Brien", home, phone(), "01632 960112", "", "siobhan.obrien@example.org", "Email")
    f = person("Mr", "Patrick", "O'Brien", ("Flat 2", "41 Station Road", "Otherton", "OT1 4RS"), phone(), "", "",
               "", "Letter")
    links += [(zoe, m, "Mother", "Y", 1, "Y", "N"), (zoe, f, "Father", "Y", 2, "N", "N")]
    families.add(zoe)
    # the Parkers: three children, both parents at one address; Lily's grandmother has no PR
    parkers = [by_name("Parker", n) for n in ("Lily", "Reuben", "Freya")]
    home = ("8 Mill Lane", "", "Townley", "TW3 7GH")
    m = person("Mrs", "Joanne", "Parker", home, phone(), "01632 960208", "", "joanne.parker@example.org", "Text")
    f = person("Mr", "Daniel", "Parker", home, phone(), "01632 960208", "01632 960777", "", "Phone")
    g = person("Mrs", "Joan", "Whitfield", ("3 Orchard Close", "", "Townley", "TW3 8AB"), "", "01632 960310")
    for u in parkers:
        links += [(u, m, "Mother", "Y", 1, "Y", "N"), (u, f, "Father", "Y", 2, "Y", "N")]
    links.append((parkers[0], g, "Grandmother", "N", 3, "N", "N"))
    families.update(parkers)
    # the Le Roux brothers: their father is under a court order
    leroux = [by_name("Le Roux", n) for n in ("Hugo", "Harry")]
    m = person("Ms", "Claire", "Le Roux", ("27 Riverside Walk", "", "Townley", "TW1 5CD"), phone(), "", "",
               "claire.leroux@example.org", "Phone")
    f = person("Mr", "Jean", "Le Roux", ("15 Canal Street", "", "Otherton", "OT4 2JQ"), phone())
    for u in leroux:
        links += [(u, m, "Mother", "Y", 1, "Y", "N"), (u, f, "Father", "Y", 2, "N", "Y")]
    families.update(leroux)
    # the Smith-Jones brothers: mother, and a step-father without PR who lives with them
    sj = [by_name("Smith-Jones", n) for n in ("Jaxon", "Łukasz")]
    home = ("5 Castle Hill", "", "Townley", "TW2 6EF")
    m = person("Mrs", "Agnieszka", "Smith-Jones", home, phone(), "", "", "a.smithjones@example.org", "Email")
    f = person("Mr", "Mark", "Jones", home, phone())
    for u in sj:
        links += [(u, m, "Mother", "Y", 1, "Y", "N"), (u, f, "Step-father", "N", 2, "Y", "N")]
    families.update(sj)
    # the Żak sisters and the Russell sisters: two parents at one address
    for (sn, kids, mum, dad) in [("Żak", ("Ruby", "Sofia"), ("Mrs", "Anna", "Żak"), ("Mr", "Tomasz", "Żak")),
                                 ("Russell", ("Sophia", "Ayşe"), ("Ms", "Elif", "Yılmaz"), ("Mr", "Ben", "Russell"))]:
        us = [by_name(sn, n) for n in kids]
        home = address()
        m = person(*mum, home, phone(), "", "", email(mum[1], mum[2]), "Text")
        f = person(*dad, home, phone(), "", "", "", "Phone")
        for u in us:
            links += [(u, m, "Mother", "Y", 1, "Y", "N"), (u, f, "Father", "Y", 2, "Y", "N")]
        families.update(us)
    # two Chapman families, not one: the twins Charlotte and Freya, and Chloe with Sebastian
    for kids, mum in [(("Charlotte", "Freya"), "Gemma"), (("Chloe", "Sebastian"), "Rachel")]:
        us = [by_name("Chapman", n) for n in kids]
        m = person("Mrs", mum, "Chapman", address(), phone(), "", "", email(mum, "Chapman"), "Phone")
        for u in us:
            links.append((u, m, "Mother", "Y", 1, "Y", "N"))
        families.update(us)
    # Lucas Muñoz: a foster carer (the local authority holds parental responsibility) and a
    # social worker, who is also Connor Young's social worker
    lucas = by_name("Muñoz", "Lucas")
    connor = by_name("Young", "Connor")
    fc = person("Mrs", "Hazel", "Green", ("22 Meadow Way", "", "Townley", "TW5 2LP"), phone(), "01632 960455")
    sw = person("Mr", "Sam", "Osei", ("Children's Services", "Townley Council, Civic Centre", "Townley", "TW1 1AA"),
                "", "", "01632 960900", "sam.osei@townley.example.gov.uk", "Email")
    links += [(lucas, fc, "Foster Carer", "N", 1, "Y", "N"), (lucas, sw, "Social Worker", "N", 2, "N", "N"),
              (connor, sw, "Social Worker", "N", 2, "N", "N")]
    families.update([lucas])
    # everyone else: a mother, and for about a third of them a father at the same address
    for u, r in pupils.items():
        if u in families:
            continue
        surname = r[1]
        home = address()
        prio = 1
        if u == connor:
            m = person("Ms", rnd.choice(MOTHERS), surname, home, phone(), "", "", "", "Phone")
            links.append((u, m, "Mother", "Y", 1, "Y", "N"))
            continue
        mum = rnd.choice(MOTHERS)
        m = person(rnd.choice(["Mrs", "Ms", "Miss"]), mum, surname, home, phone(), "",
                   rnd.choice(["", "", "01632 960" + f"{rnd.randrange(1000):03d}"]),
                   rnd.choice(["", email(mum, surname)]), rnd.choice(["Phone", "Text", "Email", "Letter", ""]))
        links.append((u, m, "Mother", "Y", prio, "Y", "N"))
        if rnd.random() < 0.35:
            dad = rnd.choice(FATHERS)
            f = person("Mr", dad, surname, home, phone(), "", "", "", rnd.choice(["Phone", "Letter", ""]))
            links.append((u, f, "Father", "Y", 2, "Y", "N"))
    with open(os.path.join(OUT, "riverside-contacts.csv"), "w", encoding="utf-8-sig", newline="") as fh:
        w = csv.writer(fh, lineterminator="\r\n")
        w.writerow(["UPN", "Adno", "Legal Surname", "Legal Forename", "Contact ID", "Title", "Forename", "Surname",
                    "Relationship", "Parental Responsibility", "Priority", "Lives With Pupil", "Court Order",
                    "Address Line 1", "Address Line 2", "Town", "Postcode", "Home Telephone", "Work Telephone",
                    "Mobile Telephone", "Email", "Preferred Contact Method"])
        for u, cid, rel, pr, prio, lives, court in sorted(links, key=lambda l: (pupils[l[0]][1], pupils[l[0]][2], l[0], l[4])):
            r, p = pupils[u], people[cid]
            a = p["address"]
            w.writerow([u, adno[u], r[1], r[2], cid, p["title"], p["forename"], p["surname"], rel, pr, prio, lives,
                        court, a[0], a[1], a[2], a[3], p["home"], p["work"], p["mobile"], p["email"], p["prefer"]])


if __name__ == "__main__":
    main()
