// Ofsted's Annex A lists: list 1 (contacts) and lists 2 to 10, from the same model.
#include "synth/model.h"

#include <cstdio>

#include "services/common/csv.h"

namespace carestat::synth {

std::string Borough::ContactsCsv(int fy) const {
  std::vector<const Contact*> rows;
  for (const Contact& c : contacts_) {
    if (FinancialYearOf(c.day) == fy) rows.push_back(&c);
  }
  std::sort(rows.begin(), rows.end(), [](const Contact* a, const Contact* b) {
    if (a->day != b->day) return a->day < b->day;
    return a->child < b->child;
  });
  std::string out =
      "Child Unique ID,Gender,Ethnicity,Date of Birth,Age,Date of Contact,Contact Source\n";
  out.reserve(out.size() + rows.size() * 90);
  for (const Contact* row : rows) {
    const Child& c = children_[row->child];
    const char letter = static_cast<char>('a' + c.ethnicity);
    absl::StrAppend(&out, ChildId(row->child), ",", c.male ? "a) Male" : "b) Female", ",",
                    std::string(1, letter), ") ", kEthnicities[c.ethnicity], ",",
                    FormatUkDate(c.dob), ",", AgeOn(c.dob, row->day), ",",
                    FormatUkDate(row->day), ",", kSources[row->source].annex_a, "\n");
  }
  return out;
}


// ---------------------------------------------------------------------------------------
// Annex A lists 2 to 10.
//
// Each list is what the case-management system would give Ofsted on 31 March of the
// collection year about the 12 months before it: 1 April to 31 March, the financial year
// that the year's CIN census and SSDA903 returns cover (the convention metrics applies to
// every return, Annex A included: a return of collection year CY is financial year CY - 1).
// The lists hold the same children, episodes, plans and periods as those returns, as they
// stood on that day. The records metrics also reads (list 3 referrals, 4 assessments, 5
// section 47 enquiries, 7 plans, 9 care leavers) carry the same child and key dates as the
// census or OC3 record of the same year, so they merge with it and no figure moves; lists
// 2, 6, 8 and 10 are not read by metrics. What only Annex A carries (visits, reviews,
// disability, missing episodes) is drawn from a hash of the seed, the child and a salt,
// never from the generator's PRNG, so the other returns keep their bytes.

namespace {

constexpr const char* kYes = "a) Yes";
constexpr const char* kNo = "b) No";
const char* YesNo(bool v) { return v ? kYes : kNo; }

// Ofsted's lettered categories of abuse, in kCategories' order (EMO, NEG, PHY, SAB, MUL).
constexpr const char* kAnnexACategories[] = {"d) Emotional abuse", "a) Neglect", "b) Physical abuse",
                                             "c) Sexual abuse", "e) Multiple/not recommended"};

// Salts of the hashed draws, one per detail.
enum Salt : uint64_t {
  kSaltDisabled = 1, kSaltEarlyHelp, kSaltTeam, kSaltSeen, kSaltLastSeen, kSaltVisit, kSaltAlone,
  kSaltReview, kSaltIro, kSaltHealth, kSaltDental, kSaltPermanence, kSaltMissing, kSaltAbsent,
  kSaltInterview, kSaltPathway, kSaltContact,
};

// A CSV line, each cell quoted when it needs to be (one of list 9's headings holds a comma).
std::string CsvRow(const std::vector<std::string>& cells) {
  std::string out;
  for (size_t i = 0; i < cells.size(); ++i) {
    if (i) out += ',';
    out += CsvField(cells[i]);
  }
  out += '\n';
  return out;
}

std::string UkOrBlank(int32_t d) { return d == kNone || d == kNever ? "" : FormatUkDate(d); }

// Rows sorted by their key date, then child, then the order they were made in.
struct ListRow {
  int32_t day;
  int32_t child;
  std::string line;
};
std::string Rows(const std::vector<std::string>& header, std::vector<ListRow> rows) {
  std::stable_sort(rows.begin(), rows.end(), [](const ListRow& a, const ListRow& b) {
    return a.day != b.day ? a.day < b.day : a.child < b.child;
  });
  std::string out = CsvRow(header);
  for (const ListRow& r : rows) out += r.line;
  return out;
}

}  // namespace

uint64_t Borough::Hash(int64_t a, int64_t b, uint64_t salt) const {
  uint64_t x = Mix64(seed_ ^ Mix64(salt * 0x9e3779b97f4a7c15ULL));
  x = Mix64(x ^ static_cast<uint64_t>(a));
  return Mix64(x ^ (static_cast<uint64_t>(b) * 0xd1b54a32d192ed03ULL));
}

// Child Unique ID, Gender, Ethnicity, Date of Birth and Age (on `age_on`), as list 1 has them.
std::string Borough::AnnexAChild(int32_t child, int32_t age_on, bool disability) const {
  const Child& c = children_[child];
  std::string out = absl::StrCat(ChildId(child), ",", c.male ? "a) Male" : "b) Female", ",",
                                 std::string(1, static_cast<char>('a' + c.ethnicity)), ") ",
                                 kEthnicities[c.ethnicity], ",", FormatUkDate(c.dob), ",", AgeOn(c.dob, age_on));
  if (disability) absl::StrAppend(&out, ",", YesNo(Disabled(child)));
  return out;
}

// Disabled children: those on short breaks, and a few others.
bool Borough::Disabled(int32_t child) const {
  for (int32_t id : children_[child].periods) {
    if (periods_[id].ShortBreak()) return true;
  }
  return Hash(child, 0, kSaltDisabled) % 1000 < 40;
}

bool Borough::LookedAfterOn(int32_t child, int32_t day) const {
  for (int32_t id : children_[child].periods) {
    if (!periods_[id].ShortBreak() && periods_[id].OpenAt(day)) return true;
  }
  return false;
}

// The child's CIN episodes in the census of `fy`, by referral date.
std::vector<int32_t> Borough::CensusEpisodes(int32_t child, int fy) const {
  std::vector<int32_t> out;
  for (int32_t e : children_[child].episodes) {
    if (episodes_[e].referral <= Fye(fy) && episodes_[e].closure >= Fys(fy)) out.push_back(e);
  }
  std::sort(out.begin(), out.end(), [&](int32_t a, int32_t b) { return episodes_[a].referral < episodes_[b].referral; });
  return out;
}

namespace {
std::string Team(uint64_t h) { return absl::StrCat("Team ", 1 + h % 6); }
std::string Worker(uint64_t h) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "SW%03d", static_cast<int>((h >> 8) % 400) + 1);
  return buf;
}
// A day `spread` days or fewer before `anchor`, not before `floor`.
int32_t Before(int32_t anchor, uint64_t h, int spread, int32_t floor) {
  return std::max(floor, anchor - static_cast<int32_t>(h % static_cast<uint64_t>(spread)));
}
}  // namespace

// List 2: early help assessments, of children whose contact went no further, started
// days after it while no CIN episode of theirs was open.
std::string Borough::EarlyHelpList(int fy) const {
  static constexpr const char* kOrganisations[] = {"Early help team", "School", "Health visitor",
                                                   "Children's centre", "Youth service"};
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  std::set<std::pair<int32_t, int32_t>> seen;
  for (const Contact& k : contacts_) {
    if (FinancialYearOf(k.day) != fy) continue;
    const uint64_t h = Hash(k.child, k.day, kSaltEarlyHelp);
    if (h % 1000 >= 150) continue;
    const Child& c = children_[k.child];
    const int32_t start = k.day + 2 + static_cast<int32_t>((h >> 10) % 19);
    if (start > fye || !c.AgedUnder18On(start)) continue;
    bool open = false;
    for (int32_t e : c.episodes) open = open || (episodes_[e].referral <= start + 30 && episodes_[e].closure >= k.day);
    if (open || !seen.insert({k.child, start}).second) continue;
    const int32_t done = start + 10 + static_cast<int32_t>((h >> 20) % 50);
    rows.push_back({start, k.child,
                    absl::StrCat(AnnexAChild(k.child, start, false), ",", FormatUkDate(start), ",",
                                 done <= fye ? FormatUkDate(done) : "", ",",
                                 kOrganisations[(h >> 30) % std::size(kOrganisations)], "\n")});
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Assessment start date",
               "Assessment completion date", "Organisation completing assessment"},
              std::move(rows));
}

// List 3: referrals dated in the year, as the census has them.
std::string Borough::ReferralsList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      if (FinancialYearOf(e.referral) != fy) continue;
      int in_12m = 0;  // this referral and the child's others of the 12 months before
      for (int32_t other : children_[id].episodes) {
        const int32_t r = episodes_[other].referral;
        in_12m += r <= e.referral && r > ShiftYears(e.referral, -1);
      }
      const uint64_t h = Hash(id, e.referral, kSaltTeam);
      rows.push_back({e.referral, id,
                      absl::StrCat(AnnexAChild(id, e.referral, false), ",", FormatUkDate(e.referral), ",",
                                   kSources[e.source].annex_a, ",", YesNo(e.nfa && e.closure <= fye), ",", in_12m,
                                   ",", Team(h), ",", Worker(h), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Date of Referral", "Referral Source",
               "Referral NFA?", "Number of Referrals in Last 12 Months", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 4: the assessments the census of the year holds (started, or authorised, in it).
std::string Borough::AssessmentsList(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      if (e.asmt_start == kNone || e.asmt_start > fye || (e.asmt_auth <= fye && e.asmt_auth < fys)) continue;
      const bool done = e.asmt_auth <= fye;
      const bool support = e.kind != EpKind::kNfa && e.kind != EpKind::kAfterAssessment;
      const uint64_t h = Hash(id, e.asmt_start, kSaltSeen);
      rows.push_back({e.asmt_start, id,
                      absl::StrCat(AnnexAChild(id, e.asmt_start, true), ",", FormatUkDate(e.asmt_start), ",",
                                   YesNo(h % 1000 < 970), ",", done ? FormatUkDate(e.asmt_auth) : "", ",",
                                   done ? YesNo(support) : "", ",", Team(h >> 12), ",", Worker(h >> 12), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Continuous Assessment Start Date", "Child Seen During Continuous Assessment",
               "Continuous Assessment Date of Authorisation",
               "Was the child assessed as requiring LA children's social care support?", "Allocated Team",
               "Allocated Worker"},
              std::move(rows));
}

// List 5: the section 47 enquiries the census of the year holds, with their conferences.
std::string Borough::Section47List(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t eid : CensusEpisodes(id, fy)) {
      for (int32_t sid : episodes_[eid].s47s) {
        const S47& s = s47s_[sid];
        if (s.removed || s.start > fye || (s.start < fys && s.outcome < fys)) continue;
        const bool decided = s.outcome <= fye;
        bool plan = false;
        for (int32_t p : c.plans) plan = plan || plans_[p].start == s.outcome;
        int enquiries = 0, icpcs = 0;  // in the 12 months up to this enquiry's start
        const int32_t from = ShiftYears(s.start, -1);
        for (int32_t other_e : c.episodes) {
          for (int32_t other : episodes_[other_e].s47s) {
            const S47& o = s47s_[other];
            if (o.removed) continue;
            enquiries += o.start <= s.start && o.start > from;
            icpcs += o.icpc && o.outcome <= s.start && o.outcome > from;
          }
        }
        const uint64_t h = Hash(id, s.start, kSaltTeam);
        rows.push_back({s.start, id,
                        absl::StrCat(AnnexAChild(id, s.start, true), ",", FormatUkDate(s.start), ",",
                                     decided ? YesNo(!s.icpc) : "", ",",
                                     decided && s.icpc ? FormatUkDate(s.outcome) : "", ",",
                                     decided && s.icpc ? YesNo(plan) : "", ",", enquiries, ",", icpcs, ",", Team(h),
                                     ",", Worker(h), "\n")});
      }
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Strategy discussion initiating Section 47 Enquiry Start Date",
               "Was an Initial Child Protection Conference deemed unnecessary?",
               "Date of Initial Child Protection Conference",
               "Did the Initial Child Protection Conference Result in a Child Protection Plan",
               "Number of Section 47 Enquiries in the last 12 months", "Number of ICPCs in the last 12 months",
               "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 6: every CIN episode open at some time in the year (the census's CINdetails), with
// the case's status on 31 March or at its closure.
std::string Borough::CinList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t eid : CensusEpisodes(id, fy)) {
      const Episode& e = episodes_[eid];
      const bool closed = e.closure <= fye;
      const int32_t anchor = closed ? e.closure : fye;
      const char* status;
      bool on_plan = false;
      for (int32_t p : e.plans) on_plan = on_plan || (plans_[p].start <= fye && plans_[p].end > fye);
      if (closed) {
        status = "e) Closed episode";
      } else if (LookedAfterOn(id, fye)) {
        status = "a) Looked after child";
      } else if (on_plan) {
        status = "b) Child protection plan";
      } else if ((e.cin_plan_start != kNone && e.cin_plan_start <= fye) || e.asmt_auth <= fye) {
        status = "c) Child in need plan";
      } else {
        status = "d) Open assessment";
      }
      const uint64_t h = Hash(id, e.referral, kSaltLastSeen);
      const std::string reason =
          closed ? absl::StrCat("RC", ReasonForClosure(e) + 1) : std::string();
      rows.push_back({e.referral, id,
                      absl::StrCat(AnnexAChild(id, fye, true), ",", FormatUkDate(e.referral), ",N", e.need + 1, ",",
                                   FormatUkDate(Before(anchor, h, 28, e.referral)), ",",
                                   closed ? FormatUkDate(e.closure) : "", ",", reason, ",", status, ",",
                                   Team(h >> 16), ",", Worker(h >> 16), "\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "CIN Start Date", "Primary Need Code", "Date Child Was Last Seen", "CIN Closure Date",
               "Reason for Closure", "Case Status", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 7: child protection plans open at some time in the year, as the census has them.
std::string Borough::CppList(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t eid : CensusEpisodes(id, fy)) {
      for (int32_t pid : episodes_[eid].plans) {
        const Plan& p = plans_[pid];
        if (p.start > fye || p.end < fys) continue;
        const bool ended = p.end <= fye;
        const int32_t anchor = ended ? p.end : fye;
        int32_t review = kNone;  // the census's latest review date by the reference date
        for (int32_t r = p.start + 90; r <= fye && r < p.end; r += 182) review = r;
        bool police = false;  // police protection or an EPO in the six months before
        for (int32_t per : c.periods) {
          const Period& q = periods_[per];
          police = police || (q.pp && q.start <= anchor && q.start > anchor - 183);
        }
        const uint64_t h = Hash(id, p.start, kSaltVisit);
        rows.push_back({p.start, id,
                        absl::StrCat(AnnexAChild(id, p.start, true), ",", FormatUkDate(p.start), ",",
                                     kAnnexACategories[p.initial], ",", kAnnexACategories[p.latest], ",",
                                     FormatUkDate(Before(anchor, h, 10, p.start)), ",",
                                     YesNo(Hash(id, p.start, kSaltAlone) % 1000 < 850), ",", UkOrBlank(review), ",",
                                     ended ? FormatUkDate(p.end) : "", ",", police ? "Y" : "N", ",", p.previous, ",",
                                     Team(h >> 16), ",", Worker(h >> 16), "\n")});
      }
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Child Protection Plan Start Date", "Initial Category of Abuse", "Latest Category of Abuse",
               "Date of the Last Statutory Visit", "Was the Child Seen Alone?", "Date of latest review conference",
               "Child Protection Plan End Date",
               "Subject to Emergency Protection Order or Protected Under Police Powers in Last Six Months (Y/N)",
               "Number of Previous Child Protection Plans", "Allocated Team", "Allocated Worker"},
              std::move(rows));
}

// List 8: one row per child looked after at some time in the year (short breaks are not
// being looked after), for the child's latest period of care in the SSDA903 return, as
// it stood on 31 March or when it ended.
std::string Borough::LookedAfterList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    const Period* p = nullptr;
    for (int32_t pid : c.periods) {
      const Period& q = periods_[pid];
      if (!q.ShortBreak() && InReturn(q, fy) && (p == nullptr || q.start > p->start)) p = &q;
    }
    if (p == nullptr) continue;
    const bool ended = p->end <= fye;
    const int32_t ref = ended ? p->end : fye;
    const std::vector<CareEpisode> eps = EpisodesOf(*p);
    size_t cur = 0;
    for (size_t i = 0; i < eps.size(); ++i) {
      if (eps[i].start <= ref) cur = i;
    }
    size_t ls_from = cur, pl_from = cur;
    while (ls_from > 0 && std::strcmp(eps[ls_from - 1].ls, eps[cur].ls) == 0) --ls_from;
    while (pl_from > 0 && eps[pl_from - 1].placement == eps[cur].placement) --pl_from;
    int placements = 0;  // placements held in the 12 months to `ref`
    for (size_t i = 0; i <= cur; ++i) {
      if (i > 0 && eps[i].placement == eps[i - 1].placement) continue;
      size_t j = i;
      while (j + 1 < eps.size() && eps[j + 1].placement == eps[i].placement) ++j;
      const int32_t until = j + 1 < eps.size() ? eps[j + 1].start : p->end;
      placements += eps[i].start <= ref && until > ref - 365;
    }
    bool repeat = false;
    for (int32_t pid : c.periods) {
      const Period& q = periods_[pid];
      repeat = repeat || (&q != p && !q.ShortBreak() && q.end <= p->start && q.end > p->start - 365);
    }
    const int age = AgeOn(c.dob, ref);
    const char* permanence;
    const uint64_t hp = Hash(id, p->start, kSaltPermanence);
    if (p->decision != kNone && p->decision <= ref && (p->decision_ceased == kNone || p->decision_ceased > ref)) {
      permanence = "b) Adoption";
    } else if (age >= 16) {
      permanence = hp % 2 ? "d) Supported living in the community" : "f) Long-term fostering";
    } else {
      static constexpr const char* kPlans[] = {"a) Return to family", "f) Long-term fostering", "c) SGO/CAO",
                                               "f) Long-term fostering", "g) Other"};
      permanence = eps[cur].placement->place[0] == 'K' ? "e) Long-term residential placement"
                                                       : kPlans[hp % std::size(kPlans)];
    }
    const int32_t settled = p->start + 20;  // reviews, IRO and health checks come after the first weeks
    auto after_settling = [&](uint64_t salt, int spread) {
      return ref < settled ? std::string() : FormatUkDate(Before(ref, Hash(id, p->start, salt), spread, settled));
    };
    const std::string& post = eps[cur].placement->post;
    const std::string district = post.substr(0, post.find(' '));
    bool inside = false;
    for (const char* d : kBoroughDistricts) inside = inside || district == d;
    const uint64_t hm = Hash(id, p->start, kSaltMissing), hi = Hash(id, p->start, kSaltInterview);
    const int missing = hm % 1000 < 880 ? 0 : 1 + static_cast<int>((hm >> 10) % 5);
    const int absent = Hash(id, p->start, kSaltAbsent) % 1000 < 900 ? 0 : 1 + static_cast<int>((hm >> 20) % 4);
    const bool offered = missing > 0 && hi % 1000 < 900;
    const uint64_t ht = Hash(id, p->start, kSaltTeam);
    rows.push_back(
        {p->start, id,
         absl::StrCat(AnnexAChild(id, ref, false), ",", kNo, ",", YesNo(Disabled(id)), ",", FormatUkDate(p->start),
                      ",", p->need, ",", YesNo(repeat), ",", FormatUkDate(eps[ls_from].start), ",", eps[cur].ls, ",",
                      after_settling(kSaltReview, 150), ",",
                      FormatUkDate(Before(ref, Hash(id, p->start, kSaltVisit), 42, p->start)), ",", permanence, ",",
                      after_settling(kSaltIro, 120), ",", after_settling(kSaltHealth, 330), ",",
                      age >= 3 ? after_settling(kSaltDental, 360) : std::string(), ",", placements, ",",
                      ended ? FormatUkDate(p->end) : "", ",", ended ? p->rec : "", ",",
                      FormatUkDate(eps[pl_from].start), ",", eps[cur].placement->place, ",",
                      eps[cur].placement->provider ? eps[cur].placement->provider : "", ",", post, ",",
                      inside ? "a) In" : "b) Out", ",", missing, ",", absent, ",",
                      missing > 0 ? YesNo(offered) : "", ",", offered ? YesNo((hi >> 10) % 1000 < 600) : "", ",",
                      Team(ht), ",", Worker(ht), "\n")});
  }
  return Rows(
      {"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
       "Unaccompanied Asylum Seeking Child (UASC) within the Last 12 Months (Y/N)", "Does the Child have a Disability",
       "Date Started to be Looked After", "Child's Category of Need",
       "Is this a second or subsequent period of being a Looked After Child within the last 12 months (Y/N)",
       "Start date of current legal status", "Child's Legal Status", "Date of Latest Statutory Review",
       "Date of Last Social Work Visit", "What is the permanence plan for this child?",
       "Date of Last IRO Visit / Contact to the Child", "Date of Last Health Assessment", "Date of Last Dental Check",
       "Number of Placements in the Last 12 months", "Date Ceased to be Looked After",
       "Reason Ceased to be Looked After", "Start Date of Most Recent Placement", "Placement Type",
       "Placement Provider", "Placement postcode", "Placement Location",
       "Number of Episodes the Child has been 'Missing' from their Placement in the last 12 months",
       "Number of Episodes the Child has been 'Absent' from their Placement in the last 12 months",
       "Was the child offered a Return Interview after their last missing episode (Y/N)?",
       "Did the child accept a Return Interview after their last missing episode (Y/N)?", "Allocated Team",
       "Allocated Worker"},
      std::move(rows));
}

// List 9: the care leavers of the year's OC3 table, the same young people with the same
// contact, activity and accommodation.
std::string Borough::CareLeaversList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<const CareLeaverRow*> leavers;
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) leavers.push_back(&r);
  }
  std::sort(leavers.begin(), leavers.end(),
            [](const CareLeaverRow* a, const CareLeaverRow* b) { return a->child < b->child; });
  std::vector<ListRow> rows;
  for (const CareLeaverRow* r : leavers) {
    const Child& c = children_[r->child];
    const int age = AgeOn(c.dob, fye);
    const char* eligibility =
        age >= 18 ? "b) Former relevant child" : LookedAfterOn(r->child, fye) ? "d) Eligible child" : "a) Relevant child";
    static constexpr std::pair<const char*, const char*> kInTouch[] = {
        {"YES", "a) Yes"}, {"NO", "b) No"}, {"DIED", "c) Died"}, {"REFU", "d) Refused"},
        {"NREQ", "e) Not required"}, {"RHOM", "f) Returned home"}};
    const char* in_touch = "";
    for (const auto& [code, text] : kInTouch) {
      if (std::strcmp(code, r->in_touch) == 0) in_touch = text;
    }
    const bool yes = std::strcmp(r->in_touch, "YES") == 0;
    const bool accommodation = std::strcmp(r->accommodation, "0") != 0;
    const bool activity = std::strcmp(r->activity, "0") != 0;
    const uint64_t h = Hash(r->child, fy, kSaltPathway), ht = Hash(r->child, fy, kSaltTeam);
    rows.push_back(
        {0, r->child,
         absl::StrCat(AnnexAChild(r->child, fye, false), ",", kNo, ",", YesNo(Disabled(r->child)), ",", Team(ht), ",",
                      Worker(ht), ",", absl::StrCat("PA", 1 + (ht >> 30) % 40), ",", eligibility, ",",
                      FormatUkDate(Before(fye, h, 180, Fys(fy))), ",", in_touch, ",",
                      yes ? FormatUkDate(Before(fye, Hash(r->child, fy, kSaltContact), 90, Fys(fy))) : "", ",",
                      accommodation ? std::string(1, r->accommodation[0]) : "", ",",
                      accommodation ? (r->accommodation[1] == '1' ? "a) Suitable" : "b) Unsuitable") : "", ",",
                      activity ? r->activity : "", "\n")});
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age",
               "Unaccompanied Asylum Seeking Child (UASC), or formerly UASC if 18 or over (Y/N)",
               "Does the Child have a Disability", "Allocated Team", "Allocated Worker", "Allocated Personal Adviser",
               "Eligibility Category", "Latest Pathway Plan Review Date", "LA in Touch", "Latest Date of Contact",
               "Type of Accommodation", "Suitability of Accommodation", "Activity Status"},
              std::move(rows));
}

// List 10: children with a decision that they should be placed for adoption who are in the
// year's PlacedAdoption table, with the steps taken by 31 March.
std::string Borough::AdoptionList(int fy) const {
  const int32_t fye = Fye(fy);
  std::vector<ListRow> rows;
  auto by = [&](int32_t d) { return d != kNone && d <= fye ? FormatUkDate(d) : std::string(); };
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (!InPlacedAdoption(p, fy)) continue;
      const bool ceased = p.decision_ceased != kNone && p.decision_ceased <= fye;
      const bool adopted = p.kind == Kind::kAdoption && p.end <= fye;
      rows.push_back({p.decision, id,
                      absl::StrCat(AnnexAChild(id, p.decision, true), ",", FormatUkDate(p.start), ",",
                                   FormatUkDate(p.decision), ",", by(p.po), ",", by(p.match), ",", by(p.ap), ",",
                                   adopted ? FormatUkDate(p.end) : "", ",", ceased ? FormatUkDate(p.decision_ceased) : "",
                                   ",", ceased ? p.ceased_reason : "", ",\n")});
    }
  }
  return Rows({"Child Unique ID", "Gender", "Ethnicity", "Date of Birth", "Age", "Does the Child have a Disability",
               "Date the Child Entered Care", "Date of Decision that Child Should be Placed for Adoption",
               "Date of Placement Order", "Date of Matching Child and Prospective Adopters", "Date Placed for Adoption",
               "Date of Adoption Order", "Date of Decision that Child Should No Longer be Placed for Adoption",
               "Reason Why Child No Longer Placed for Adoption",
               "Date the child was placed for fostering in FFA or concurrent planning placement"},
              std::move(rows));
}

std::string Borough::AnnexAList(int list, int fy) const {
  switch (list) {
    case 2: return EarlyHelpList(fy);
    case 3: return ReferralsList(fy);
    case 4: return AssessmentsList(fy);
    case 5: return Section47List(fy);
    case 6: return CinList(fy);
    case 7: return CppList(fy);
    case 8: return LookedAfterList(fy);
    case 9: return CareLeaversList(fy);
    case 10: return AdoptionList(fy);
    default: return "";
  }
}

}  // namespace carestat::synth
