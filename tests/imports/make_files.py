"""Makes the import test files in data/ (run once; the files are committed, as a district would
receive them):

    PYTHONPATH=src:. python -m tests.imports.make_files

- reference.xlsx: the demo district's 59 units with a liaison account each, 160 CPPCC members and
  60 NPC deputies (fictional, from demo.vocabulary).
- items_500.xlsx: a CPPCC session's 500 proposals as an assembly office exports them (编号, 标题,
  领衔人, 联名人, 类别, 案由, 建议, 建议承办单位), written from the demo's topics.
- items_500_errors.xlsx: the same file with deliberate errors in some rows (ERRORS below says which
  row holds which); everything else as in items_500.xlsx.
"""

import random
from pathlib import Path

from openpyxl import Workbook

from banli.imports.columns import ITEM_COLUMNS, PERSON_COLUMNS, PERSON_SHEET, UNIT_COLUMNS, UNIT_SHEET
from demo import content as C
from demo import vocabulary as V

DATA = Path(__file__).parent / "data"
KIND = {"bureau": "委办局", "town": "街镇", "other": "其他"}

# Excel row (the heading is row 1) -> (column key, value written there, the words the preview must show)
ERRORS = {
    5: ("units", "区教委", "建议承办单位“区教委”不存在"),
    10: ("number", 8, "编号 8 与第 9 行重复"),  # row 9 holds 第8号 (row n holds 第n-1号)
    14: ("title", "", "缺少标题"),
    21: ("proposer", "", "缺少领衔人"),
    33: ("proposer", "王不存在", "领衔人“王不存在”不是本会别在任的委员"),
    47: ("category", "外星事务", "类别“外星事务”不存在"),
    58: ("number", "十二", "编号“十二”不是数字"),
    77: ("cosigners", "李四不在、", "联名人“李四不在”不是本会别在任的委员"),
}


def people(rng):
    taken, cppcc, npc = set(), [], []
    for i in range(160):
        sector, party = rng.choice(V.CPPCC_SECTORS)
        employer = rng.choice(V.SECTOR_EMPLOYERS.get(sector, V.GENERIC_EMPLOYERS))
        cppcc.append(("政协", V.person_name(rng, taken), sector, party, employer, V.mobile(rng), V.address(rng), ""))
    for i in range(60):
        town = rng.choice(V.TOWNS_URBAN + V.TOWNS_RURAL)
        npc.append(("人大", V.person_name(rng, taken), V.delegation(town), rng.choice(V.NPC_PARTIES),
                    rng.choice(V.NPC_EMPLOYERS).format(town=town, community=rng.choice(V.COMMUNITIES)), V.mobile(rng), V.address(rng, town), ""))
    return cppcc, npc


def reference(rng, cppcc, npc) -> Workbook:
    wb = Workbook()
    ws = wb.active
    ws.title = UNIT_SHEET
    ws.append([c.name for c in UNIT_COLUMNS])
    taken = set()
    for code, name, short, kind, _ in V.UNITS:
        ws.append([name, short, KIND[kind], V.office_phone(rng), f"{code}_ll", V.person_name(rng, taken), "", ""])
    ps = wb.create_sheet(PERSON_SHEET)
    ps.append([c.name for c in PERSON_COLUMNS])
    for row in cppcc + npc:
        ps.append(list(row))
    return wb


def items(rng, cppcc) -> list[list]:
    names = [p[1] for p in cppcc]
    units = {code: name for code, name, *_ in V.UNITS}
    rows = []
    for n in range(1, 501):
        t = rng.choice(C.TOPICS)
        places = V.places(rng)
        suggestions = "\n".join(f"{V.NUMERALS[i + 1]}是{s.format(**places)}。" for i, s in enumerate(t.suggestions))
        proposer = rng.choice(names)
        co = rng.sample([x for x in names if x != proposer], rng.choice((0, 0, 1, 2, 3)))
        suggested = [units[t.lead]] + ([units[t.co[0]]] if t.co and rng.random() < 0.4 else [])
        rows.append([n, f"关于{t.title.format(**places)}的提案", proposer, "、".join(co), t.sub, t.reason.format(**places), suggestions,
                     "、".join(suggested) if rng.random() < 0.7 else ""])
    return rows


def write_items(rows, path):
    wb = Workbook()
    ws = wb.active
    ws.title = "提案建议"
    ws.append([c.name for c in ITEM_COLUMNS])
    for r in rows:
        ws.append(r)
    wb.save(path)


def main():
    rng = random.Random(20261203)
    cppcc, npc = people(rng)
    DATA.mkdir(exist_ok=True)
    reference(rng, cppcc, npc).save(DATA / "reference.xlsx")
    rows = items(rng, cppcc)
    write_items(rows, DATA / "items_500.xlsx")
    keys = [c.key for c in ITEM_COLUMNS]
    spoiled = [list(r) for r in rows]
    for excel_row, (key, value, _) in ERRORS.items():
        spoiled[excel_row - 2][keys.index(key)] = value
    write_items(spoiled, DATA / "items_500_errors.xlsx")


if __name__ == "__main__":
    main()
