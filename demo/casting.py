"""Casting the demo's items: for each session and state, who files an item on what topic, which
units handle it and how far its life goes (a Spec); then merges and key items."""

from collections import Counter

from banli.org.models import Assembly

from . import content as C, vocabulary as V
from .spec import CUR_COUNTS, PREV_COUNTS, RECENT, S, Spec


class Casting:
    """The part of the Generator that writes the specs (a mixin over the generator's rng,
    district and sessions)."""

    # -- specs -------------------------------------------------------------------------------
    def build_specs(self):
        self.users_by_pk = self.users_by_id
        counts = {}
        for assembly in Assembly.values:
            counts[(assembly, "cur")] = Counter(CUR_COUNTS[assembly])
            counts[(assembly, "prev")] = Counter(PREV_COUNTS[assembly])
        self.counts = counts
        self.hero_specs()
        # Fill every (assembly, session, state) up to its count with random items.
        for (assembly, key), counter in counts.items():
            for state, n in counter.items():
                for _ in range(n):
                    self.random_spec(assembly, key, state)
        # Merged items join a registered item on the same subject.
        for s in [s for s in self.specs if s.target == S.MERGED]:
            self.attach_merge(s)
        self.choose_key_items()

    def topic(self, title_core):
        return next(t for t in C.TOPICS if t.title == title_core)

    def new_spec(self, assembly, key, target, person=None, topic=None, places=None, **kw) -> Spec:
        r = self.rng
        counter = self.counts[(assembly, key)]
        counter[target] -= 1
        session = self.sessions[(assembly, key)]
        if person is None:
            pool = self.members + self.collectives if assembly == Assembly.CPPCC else self.deputies
            person = r.choices(pool, weights=[self.weights[p.pk] for p in pool])[0]
        spec = Spec(idx=len(self.specs) + 1, assembly=assembly, session=session, target=target, person=person)
        spec.anchor = "recent" if key == "cur" and target in RECENT else "main"
        if topic is not None or target not in (S.NOT_REGISTERED, S.CONVERTED):
            self.fill_topic(spec, topic, places or {})
        self.random_options(spec)
        for k, v in kw.items():
            setattr(spec, k, v)
        self.normalize(spec)
        self.specs.append(spec)
        return spec

    def normalize(self, s):
        """Make the options agree with each other after a hero's overrides."""
        r = self.rng
        if s.target == S.REHANDLING and s.separate:
            s.lead, s.co, s.separate = s.separate[0], s.co + s.separate[1:], []
        if s.separate:
            s.rehandle = s.rehandle and s.target == S.REHANDLING
        units = ([s.lead] if s.lead else []) + s.co + s.separate
        ids = {u.pk for u in units}
        if s.reassign_add is not None and s.reassign_add.pk in ids:
            s.reassign_add = None
        if s.adjustment and (s.adjust_alt is None or s.adjust_alt.pk in ids):
            alts = [self.units[c] for c in getattr(s, "topic").co if self.units[c].pk not in ids] if hasattr(s, "topic") else []
            s.adjust_alt = r.choice(alts or [u for u in self.units.values() if u.kind == "bureau" and u.pk not in ids])
        if not s.co:
            s.waive = False
            if s.cut == "co_pending":
                s.cut = "consulted"
            if s.cut == "partly":
                s.cut = "none_signed"
        if s.cut == "pending_leader" and s.reply_type != "C":
            s.cut = "pending_unit"
        if s.cut == "extension_pending":
            s.extension = "pending"
        elif s.extension == "pending":
            s.extension = ""
        if s.target == S.EVALUATED and s.reply_type == "C" and not s.convert_to and not (s.rehandle and s.rehandle_type != "C"):
            s.reply_type = "A"
        if s.target == S.EVALUATED and s.rehandle and s.rehandle_type == "C":
            s.rehandle_type = "B"
        if s.cut == "closure_pending" and (s.reply_type != "A" or s.promise or s.rehandle):
            s.cut = "progress"
        if s.reply_type != "A":
            s.promise = False
        if s.rehandle or s.target == S.REPLIED:
            s.lapsed = False
        if not s.rehandle and (s.grade == "poor" or not s.agrees):
            s.grade, s.agrees = "fair", True

    def places_for(self, spec, given):
        home = None
        if spec.assembly == Assembly.NPC and spec.person.sector.endswith("代表团"):
            home = spec.person.sector[:-3]
        places = V.places(self.rng, home)
        places.update(given)
        return places
    def fill_topic(self, spec, topic, given):
        r = self.rng
        for attempt in range(60):
            t = topic or r.choice(C.TOPICS)
            places = self.places_for(spec, given)
            title = f"关于{t.title.format(**places)}的{spec.noun}"
            if (spec.session.pk, title) not in self.used_titles or (topic is not None and attempt > 20):
                break
        self.used_titles.add((spec.session.pk, title))
        spec.title = title
        spec.sub = t.sub
        spec.reason = t.reason.format(**places)
        spec.suggestions = "\n".join(f"{V.NUMERALS[i + 1]}是{s.format(**places)}。" for i, s in enumerate(t.suggestions))
        spec.act = t.act.format(**places)
        spec.topic = t
        spec.places = places
        lead = self.units[t.lead]
        co_pool = [self.units[c] for c in t.co]
        town = places["utown"] if "{utown}" in t.title else places["rtown"] if "{rtown}" in t.title else None
        if t.town_lead and town and r.random() < 0.35:
            co_pool = [lead] + co_pool[:1]
            lead = self.town_units[town]
            k = 1 + (r.random() < 0.3)
        else:
            k = r.choices([0, 1, 2], weights=[42, 45, 13])[0]
        co = co_pool[:1] if k == 1 and lead.kind == "town" else r.sample(co_pool, min(k, len(co_pool)))
        spec.lead, spec.co, spec.separate = lead, co, []
        if co and r.random() < 0.08:
            spec.separate, spec.lead, spec.co = [lead, co[0]], None, co[1:]
        spec.suggested = [u.pk for u in ([lead] if lead else spec.separate[:1]) + co[:1]]

    def random_options(self, spec):
        r = self.rng
        s = spec
        is_cppcc = s.assembly == Assembly.CPPCC
        if r.random() < (0.38 if is_cppcc else 0.25):
            pool = [p for p in (self.members if is_cppcc else self.deputies) if p.pk != s.person.pk]
            for p in r.sample(pool, r.choices([1, 2, 3], weights=[55, 30, 15])[0]):
                s.cosigners.append((p, r.choices(["confirm", "decline", "none"], weights=[85, 7, 8])[0]))
        s.consent = r.choices([True, False, None], weights=[78, 10, 12])[0]
        s.reply_type = r.choices(["A", "B", "C"], weights=[50, 33, 17])[0]
        s.promise = s.reply_type == "A" and r.random() < 0.35
        s.grade = r.choices(["good", "fair", "average"], weights=[58, 30, 12])[0]
        s.agrees = True
        s.praise = s.grade == "good" and r.random() < 0.2
        s.messages = r.random() < 0.2
        s.urge_sign = r.random() < 0.08
        s.late_consult = r.random() < 0.08
        s.reply_return = r.random() < 0.08
        s.closure_return = r.random() < 0.06
        s.during = r.random() < 0.35
        s.after_visit = r.random() < 0.5
        s.early = r.random() < 0.45
        s.withhold_rec = r.random() < 0.05
        s.waive = bool(s.co) and r.random() < 0.04
        s.returned = r.random() < 0.05
        active_states = (S.ASSIGNED, S.HANDLING, S.REPLIED, S.EVALUATED, S.REHANDLING, S.CLOSED)
        if s.target in active_states and r.random() < 0.06:
            s.adjustment = r.choice(["approved", "approved", "refused"])
        if s.target in (S.HANDLING, S.REPLIED, S.EVALUATED, S.CLOSED, S.REHANDLING) and r.random() < 0.08:
            s.extension = "approved"
        if s.target in (S.CLOSED, S.EVALUATED) and not s.separate and r.random() < 0.07:
            self.make_rehandle(s)
        elif s.target in (S.CLOSED, S.EVALUATED) and r.random() < 0.06:
            s.lapsed = True
        if s.target == S.REHANDLING:
            self.make_rehandle(s)
        if s.target == S.EVALUATED and s.reply_type == "C" and not s.rehandle:
            s.reply_type = r.choice(["A", "B"])
            s.promise = s.reply_type == "A" and r.random() < 0.5
        if s.target == S.HANDLING:
            cuts = ["signed", "consulted", "draft", "pending_unit", "approved"]
            if s.co:
                cuts.append("co_pending")
            if s.reply_type == "C":
                cuts += ["pending_leader"] * 2
            if s.separate:
                cuts = ["separate_half"]
            s.cut = r.choice(cuts)
            if s.extension and s.cut in ("signed", "consulted", "co_pending"):
                s.extension = ""
        elif s.target == S.ASSIGNED:
            units = ([s.lead] if s.lead else []) + s.co + s.separate
            s.cut = r.choice(["none_signed", "partly"] if len(units) > 1 else ["none_signed"])
            s.adjustment = ""
        elif s.target == S.EVALUATED:
            s.cut = r.choice(["progress", "progress", "closure_pending"]) if s.reply_type == "A" and not s.promise else "progress"
        elif s.target == S.REHANDLING:
            s.cut = r.choice(["consulted2", "draft2"])
        elif s.target == S.WITHDRAWN:
            s.withdraw_stage = r.choice(["draft", "submitted", "registered"]) if self.session_key[s.session.pk] == "cur" else r.choice(["draft", "submitted"])
        if s.separate and s.target == S.REPLIED:
            s.cut = "separate_one_rated"
        if s.target == S.HANDLING and s.cut in ("approved", "draft", "pending_unit") and r.random() < 0.25 and not s.separate:
            # the office adds a co-handling unit the proposer's subject also concerns
            taken = {x.pk for x in [s.lead] + s.co if x}
            free = [self.units[c] for c in s.topic.co if self.units[c].pk not in taken]
            s.reassign_add = r.choice(free) if free else None

    def make_rehandle(self, s):
        r = self.rng
        s.rehandle = True
        s.lapsed = False
        s.grade, s.agrees = r.choice([("poor", False), ("poor", False), ("average", False)])
        s.praise = False
        s.rehandle_type = {"A": "A", "B": r.choice(["A", "B"]), "C": r.choice(["B", "C"])}[s.reply_type]

    def random_spec(self, assembly, key, state):
        s = self.new_spec(assembly, key, state)
        if state == S.NOT_REGISTERED:
            self.fill_special(s, C.REJECTED)
        elif state == S.CONVERTED:
            self.fill_special(s, C.CONVERTED)
        return s

    def fill_special(self, s, pool):
        r = self.rng
        places = self.places_for(s, {})
        for _ in range(20):
            row = r.choice(pool)
            title = f"关于{row[1].format(**places)}的{s.noun}"
            if (s.session.pk, title) not in self.used_titles:
                break
        self.used_titles.add((s.session.pk, title))
        s.title, s.sub = title, row[0]
        s.reason = row[2].format(**places)
        s.suggestions = "\n".join(f"{V.NUMERALS[i + 1]}是{x.format(**places)}。" for i, x in enumerate(row[3]))
        if pool is C.REJECTED:
            s.reject_reason = row[4]
        else:
            s.convert_as, s.reject_reason = row[4], row[5]
        s.lead, s.co, s.separate, s.suggested = None, [], [], []

    def attach_merge(self, s):
        r = self.rng
        targets = [t for t in self.specs if t.session.pk == s.session.pk and t.target in (S.CLOSED, S.EVALUATED) and t.anchor == "main"
                   and t.person.pk != s.person.pk and not t.merge_into]
        target = r.choice(targets)
        s.merge_into = target
        s.topic = target.topic
        self.used_titles.discard((s.session.pk, s.title))
        core = target.title[2:-len("的" + s.noun)]
        s.title = f"关于{core}工作的{s.noun}" if core.startswith(("进一步", "持续")) else f"关于进一步{core}的{s.noun}"
        s.reason, s.suggestions, s.sub = target.reason, target.suggestions, target.sub

    def choose_key_items(self):
        r = self.rng
        for (assembly, key), s in self.sessions.items():
            want = 3 if assembly == Assembly.CPPCC else 2
            have = sum(1 for x in self.specs if x.session.pk == s.pk and x.key_leader)
            pool = [x for x in self.specs if x.session.pk == s.pk and not x.key_leader and x.target in (S.CLOSED, S.EVALUATED, S.HANDLING, S.REPLIED)
                    and (x.lead or x.separate)]
            for x in r.sample(pool, max(0, want - have)):
                x.key_leader = self.supervisor(x.lead or x.separate[0])

