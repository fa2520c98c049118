// Looked after: periods of care, their episode chains and placements, calibrated to the
// profile's figures (and built at a national LA's volumes by national.cc).
#include "synth/model.h"

namespace carestat::synth {

int32_t Borough::AddPeriod(Period p) {
  const int32_t id = static_cast<int32_t>(periods_.size());
  std::vector<int32_t>& list = children_[p.child].periods;
  list.push_back(id);
  periods_.push_back(std::move(p));
  std::sort(list.begin(), list.end(),
            [&](int32_t a, int32_t b) { return periods_[a].start < periods_[b].start; });
  return id;
}

int Borough::CountLookedAfter(int32_t day) const {
  int n = 0;
  for (const Period& p : periods_) n += !p.ShortBreak() && p.OpenAt(day);
  return n;
}

// An adoption in `fy` whose period of care took `a1` days to the adoption placement.
void Borough::MakeAdoption(int fy, int32_t a1) {
  // The placement, and every change before it, falls inside the loaded returns. In the
  // last year the placement is in the year too: 2014-15's 320 placements leave room for
  // only 37 that are not a child starting to be looked after.
  const int32_t lo = Fys(fy) + (fy == kFirstFy || fy == kLastFy ? 150 : 0);
  const int32_t adopted = SampleDay(lo, Fye(fy), 0);
  const int32_t earliest = fy == kLastFy ? Fys(fy) : kWindowStart + 40;
  const int32_t lag = rng_.Between(75, std::min<int32_t>(330, adopted - earliest));
  const int32_t placed = adopted - lag;
  const int32_t start = placed - a1;
  int32_t age_days;
  switch (rng_.Weighted(std::array<int, 3>{450, 350, 200})) {
    case 0: age_days = rng_.Between(1, 20); break;
    case 1: age_days = rng_.Between(365, 3 * 365); break;
    default: age_days = rng_.Between(3 * 365, 5 * 365); break;
  }
  Period p;
  p.child = AddStoryChild(start - age_days);
  p.kind = Kind::kAdoption;
  p.start = start;
  p.end = adopted;
  p.deadline = adopted;
  p.rec = rng_.PerMille(750) ? "E11" : "E12";
  p.ls = rng_.PerMille(700) ? "C2" : "V2";
  p.placement = PlaceFor(0);
  if (p.placement.place[0] != 'U') p.placement.place = "U6";
  p.need = "N1";
  const int32_t floor = std::max(start + 1, kWindowStart);
  int32_t po_lo = std::max({start + a1 * 45 / 100, start + 60, floor + 7});
  const int32_t po_hi = placed - 21;
  po_lo = std::min(po_lo, po_hi);
  p.po = rng_.Between(po_lo, po_hi);
  if (std::strcmp(p.ls, "V2") == 0) {
    const int32_t c_lo = std::max(floor, start + 30), c_hi = p.po - 60;
    if (c_lo <= c_hi) {
      Change c;
      c.day = rng_.Between(c_lo, c_hi);
      c.ls = "C2";
      p.changes.push_back(c);
    }
  }
  int32_t d_lo = start + 30, d_hi = p.po - 7;
  if (d_lo > d_hi) d_lo = d_hi = std::max(start + 1, p.po - 7);
  p.decision = rng_.Between(d_lo, d_hi);
  p.match = rng_.Between(std::max(p.po, p.decision) + 7, placed - 7);
  p.ap = placed;
  Change order;
  order.day = p.po;
  order.ls = "E1";
  p.changes.push_back(order);
  Change move;
  move.day = placed;
  move.moves = true;
  p.with_foster_carer = rng_.PerMille(200);
  move.placement.place = p.with_foster_carer ? "A5" : "A6";
  const int k = rng_.Weighted(std::array<int, 3>{600, 300, 100});
  move.placement.provider = k == 0 ? "PR1" : k == 1 ? "PR5" : "PR2";
  move.placement.post = Postcode(rng_.PerMille(250));
  move.reason = "CARPL";
  p.changes.push_back(move);
  if (rng_.PerMille(800)) {
    p.adopters = "2";
    const int s = rng_.Weighted(std::array<int, 3>{850, 80, 70});
    p.adopter_sex = s == 0 ? "MF" : s == 1 ? "MM" : "FF";
    // The legal status follows the couple (rules 517-524): a man and a woman married (L11)
    // or not (L3); two men or two women married (L12, possible from 29 March 2014), in a
    // civil partnership (L2) or neither (L4).
    const int l = rng_.Weighted(std::array<int, 3>{700, 100, 200});
    if (s == 0) {
      p.adopter_ls = l == 0 ? "L11" : "L3";
    } else {
      p.adopter_ls = l == 1 ? "L4" : l == 0 && adopted >= DayNumber(2014, 3, 29) ? "L12" : "L2";
    }
  } else {
    p.adopters = "1";
    p.adopter_sex = rng_.PerMille(800) ? "F1" : "M1";
    p.adopter_ls = "L0";  // a single adopter (rule 514); L3 is an unmarried couple
  }
  AddPeriod(std::move(p));
}

// A decision that a child should be placed for adoption, in `fy`, for a child not
// adopted by 31 March 2016: still waiting (perhaps placed), or the decision reversed.
void Borough::MakeDecisionOnly(int fy) {
  const int32_t decided = SampleDay(Fys(fy), Fye(fy), 0);
  Period p;
  p.start = decided - rng_.Between(40, 400);
  p.child = AddStoryChild(DobForAge(p.start, rng_.Between(0, 5)));
  p.ls = "C2";
  p.placement = PlaceFor(0);
  if (p.placement.place[0] != 'U') p.placement.place = "U6";
  p.need = "N1";
  p.decision = decided;
  p.deadline = Birthday(children_[p.child].dob, 16) - 1;
  if (rng_.PerMille(550)) {
    p.kind = Kind::kPending;
    p.end = kNever;
    const int32_t order = decided + rng_.Between(30, 150);
    if (order < kWindowEnd - 10) {
      p.po = order;
      Change c;
      c.day = order;
      c.ls = "E1";
      p.changes.push_back(c);
      const int32_t placed = order + rng_.Between(60, 260);
      if (placed >= Fys(kLastFy) && placed <= kWindowEnd) {
        p.ap = placed;
        p.match = rng_.Between(order + 7, placed - 7);
        Change m;
        m.day = placed;
        m.moves = true;
        m.placement.place = rng_.PerMille(200) ? "A5" : "A6";
        m.placement.provider = rng_.PerMille(600) ? "PR1" : "PR5";
        m.placement.post = Postcode(rng_.PerMille(250));
        m.reason = "CARPL";
        p.changes.push_back(m);
      }
    }
  } else {
    p.kind = Kind::kReversed;
    const int32_t ceased = decided + rng_.Between(120, 420);
    if (ceased <= kWindowEnd) {
      p.decision_ceased = ceased;
      static constexpr const char* kReasons[] = {"RD1", "RD2", "RD3", "RD4"};
      p.ceased_reason = kReasons[rng_.Below(4)];
      p.end = ceased + rng_.Between(30, 300);
      if (p.end > kWindowEnd) p.end = kNever;
      p.rec = "E45";
    } else {
      p.end = kNever;
    }
  }
  AddPeriod(std::move(p));
}

// shopa_decisions: PlacedAdoption decisions dated in each calibrated year.
void Borough::CalibrateDecisions() {
  for (int i = kYears - 1; i >= 0; --i) {
    if (kShopa[i] < 0) continue;
    const int fy = kFirstFy + i;
    auto count = [&] {
      int n = 0;
      for (const Period& p : periods_) n += p.decision != kNone && FinancialYearOf(p.decision) == fy;
      return n;
    };
    int n = count();
    for (size_t k = 0; k < periods_.size() && n > kShopa[i]; ++k) {
      Period& p = periods_[k];
      if (p.decision == kNone || FinancialYearOf(p.decision) != fy) continue;
      const int32_t lo = std::max(p.start + 30, Fys(fy - 1));
      if (lo > Fye(fy - 1)) continue;
      p.decision = rng_.Between(lo, Fye(fy - 1));
      --n;
    }
    if (n > kShopa[i]) return Fail(absl::StrCat("shopa_decisions ", fy, ": ", n, " decisions cannot move"));
    for (; n < kShopa[i]; ++n) MakeDecisionOnly(fy);
  }
}

// Children looked after on their 16th birthday: OC3 reports them from 17 to 21.
void Borough::MakeLeavers() {
  for (size_t c = 0; c < std::size(kLeavers); ++c) {
    const int birth_fy = kLeaverFirstBirthFy + static_cast<int>(c);
    for (int n = 0; n < kLeavers[c]; ++n) MakeLeaver(birth_fy, kFirstFy);
  }
}

// A child born in financial year `birth_fy` looked after on the 16th birthday, with OC3
// rows for the years from `first_fy` to the last.
void Borough::MakeLeaver(int birth_fy, int first_fy) {
  static constexpr const char* kInTouch[] = {"YES", "NO", "NREQ", "REFU", "RHOM"};
  static constexpr std::array<int, 5> kInTouchWeights = {830, 60, 50, 40, 20};
  static constexpr const char* kActivity[] = {"F1", "P1", "F2", "P2", "F4", "P4", "F5", "P5", "G4", "G5", "G6"};
  static constexpr std::array<int, 11> kActivityWeights = {80, 10, 250, 30, 120, 30, 60, 20, 60, 250, 90};
  static constexpr const char* kAccommodation[] = {"B1", "D1", "E1", "K1", "R1", "T1", "U1", "Y1", "Z1",
                                                   "B2", "D2", "K2", "U2", "V2"};
  static constexpr std::array<int, 14> kAccommodationWeights = {120, 150, 120, 60, 80, 60, 200, 40, 60,
                                                                20,  20,  20,  30, 20};
  const int32_t dob = rng_.Between(Fys(birth_fy), Fye(birth_fy));
  Period p;
  p.child = AddStoryChild(dob);
  p.kind = Kind::kLeaver;
  p.start = dob + rng_.Between(10 * 365 + 10, 15 * 365 + 200);
  const int32_t sixteenth = Birthday(dob, 16), eighteenth = children_[p.child].eighteenth;
  if (rng_.PerMille(650)) {
    p.end = eighteenth;
    static constexpr const char* kAt18[] = {"E8", "E5", "E6", "E17"};
    p.rec = kAt18[rng_.Weighted(std::array<int, 4>{450, 250, 100, 200})];
  } else {
    p.end = rng_.Between(sixteenth + 183, eighteenth - 30);
    static constexpr const char* kBefore18[] = {"E5", "E6", "E4A", "E8"};
    p.rec = kBefore18[rng_.Weighted(std::array<int, 4>{350, 150, 350, 150})];
  }
  if (p.end > kWindowEnd) p.end = kNever;
  p.deadline = eighteenth;
  p.ls = rng_.PerMille(650) ? "V2" : "C2";
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = rng_.PerMille(700) ? "N1" : "N4";
  const int32_t child = p.child, start = p.start, end = p.end;
  AddPeriod(std::move(p));
  for (int age = 17; age <= 21; ++age) {
    const int fy = birth_fy + age;
    if (fy < first_fy || fy > kLastFy) continue;
    // At 17 or 18 a young person is a care leaver that year only if care ended before the
    // birthday: not if looked after on it (rule 1007) nor, from 2023-24, if care ended on
    // or after it (rule 1016). IN_TOUCH cannot be blank (rule 131), so there is no OC3 row
    // (nor list 9 row) that year; the draws are made all the same.
    const int32_t birthday = Birthday(dob, age);
    const bool ended_after = fy + 1 + year_shift_ >= 2024 && end >= birthday && start <= Fye(fy);
    const bool due = age > 18 || (!(start <= birthday && end > birthday) && !ended_after);
    CareLeaverRow row{child, fy, kInTouch[rng_.Weighted(kInTouchWeights)], "0", "0"};
    if (std::strcmp(row.in_touch, "YES") == 0) {
      row.activity = kActivity[rng_.Weighted(kActivityWeights)];
      row.accommodation = kAccommodation[rng_.Weighted(kAccommodationWeights)];
      // Not with former foster carers at 17 (rule 3001: "staying put" is from 18), nor in
      // a foyer under 18 (rule 347): supported lodgings or semi-independent living instead.
      if (age == 17 && std::strcmp(row.accommodation, "Z1") == 0) row.accommodation = "E1";
      if (age <= 18 && std::strcmp(row.accommodation, "T1") == 0) row.accommodation = "D1";
    }
    if (due) leaver_rows_.push_back(row);
  }
}

// Disabled children on series of short breaks: agreements (V4) or single breaks (V3).
// They are in the returns but never looked after for the indicators.
void Borough::MakeShortBreaks() {
  for (int i = 0; i < kShortBreakChildren; ++i) {
    const int32_t child = AddStoryChild(DobForAge(kWindowStart, rng_.Between(4, 13)));
    const Child& c = children_[child];
    Placement pl;
    pl.place = rng_.PerMille(600) ? "U6" : "K2";
    pl.provider = "PR1";
    pl.post = Postcode(true);
    auto add = [&](int32_t start, int32_t end, const char* ls, const char* rec) {
      Period p;
      p.child = child;
      p.kind = Kind::kShortBreak;
      p.start = start;
      p.end = end;
      p.ls = ls;
      p.placement = pl;
      p.need = "N2";
      p.rec = rec;
      p.deadline = c.eighteenth;
      AddPeriod(std::move(p));
    };
    if (i < 6) {
      for (int32_t t = Fys(2013) + rng_.Between(0, 60); t + 4 <= std::min(kWindowEnd, c.eighteenth - 1);) {
        const int32_t end = t + rng_.Between(1, 3);
        add(t, end, "V3", "E4A");
        t = end + rng_.Between(14, 40);
      }
    } else {
      for (int32_t t = kWindowStart - rng_.Between(0, 300);;) {
        int32_t end = t + rng_.Between(200, 420);
        if (end >= c.eighteenth) end = c.eighteenth;
        if (end > kWindowEnd) end = kNever;
        add(t, end, "V4", "E8");
        if (end == kNever || end >= c.eighteenth) break;
        t = end + rng_.Between(1, 30);
        if (t >= c.eighteenth - 30) break;
      }
    }
  }
}

// Filler children looked after on 31 March 2010, up to the profile's count.
void Borough::MakeLegacyFillers() {
  for (int n = kLacInitial - CountLookedAfter(kWindowStart - 1); n > 0; --n) MakeLegacyFiller(kWindowStart);
}

// A filler child looked after on the day before `window_start`.
void Borough::MakeLegacyFiller(int32_t window_start) {
  static constexpr const char* kLegacyLs[] = {"C1", "V2", "C2"};
  const int age = std::min(14, rng_.Weighted(kCareAgeWeights));
  Period p;
  const int32_t dob = DobForAge(window_start - 1, age);
  p.child = AddStoryChild(dob);
  p.start = window_start - rng_.Between(1, std::max(1, std::min(window_start - 2 - dob, 8 * 365)));
  p.deadline = Birthday(dob, 16) - 1;
  int32_t remaining;
  switch (rng_.Weighted(std::array<int, 3>{300, 350, 350})) {
    case 0: remaining = rng_.Between(0, 365); break;
    case 1: remaining = rng_.Between(366, 1095); break;
    default: remaining = rng_.Between(1096, 3000); break;
  }
  p.end = std::min(window_start + remaining, p.deadline);
  p.ls = kLegacyLs[rng_.Weighted(std::array<int, 3>{600, 300, 100})];
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = "N1";
  static constexpr const char* kEnds[] = {"E4A", "E4B", "E41", "E45", "E46", "E8", "E3"};
  p.rec = kEnds[rng_.Weighted(std::array<int, 7>{450, 50, 80, 150, 50, 150, 70})];
  p.flexible = true;
  AddPeriod(std::move(p));
}

// A filler period starting in `fy`: a new child, or one who left care in an earlier year.
int32_t Borough::NewFiller(int fy) {
  Period p;
  p.start = SampleDay(Fys(fy), Fye(fy), 250);
  p.child = -1;
  if (fy < kLastFy && !left_care_.empty() && rng_.PerMille(80)) {
    for (int attempt = 0; attempt < 8 && p.child < 0; ++attempt) {
      const int32_t c = left_care_[left_care_.size() - 1 - rng_.Below(std::min<uint64_t>(left_care_.size(), 400))];
      const Child& ch = children_[c];
      const Period& last = periods_[ch.periods.back()];
      if (last.end == kNever || FinancialYearOf(last.end) >= fy || last.end + 60 > p.start) continue;
      if (Birthday(ch.dob, 16) - 1 <= p.start + 60) continue;
      p.child = c;
    }
  }
  if (p.child < 0) {
    // In the last year a new filler is young enough to stay past 31 March 2016.
    // (2015-16's entrants were older: the seed's under-10s fell from 41% to 34%.)
    const int age = fy == kLastFy ? std::min(13, rng_.Weighted(kCareAgeWeights2015)) : rng_.Weighted(kCareAgeWeights);
    p.child = AddStoryChild(DobForAge(p.start, age));
  }
  const int32_t dob = children_[p.child].dob;
  p.deadline = Birthday(dob, 16) - 1;
  int32_t duration;
  switch (rng_.Weighted(std::array<int, 4>{250, 300, 300, 150})) {
    case 0: duration = rng_.Between(1, 60); break;
    case 1: duration = rng_.Between(61, 365); break;
    case 2: duration = rng_.Between(366, 1095); break;
    default: duration = rng_.Between(1096, 3650); break;
  }
  p.end = std::max(p.start + 1, std::min(p.start + duration, p.deadline));
  p.ls = rng_.PerMille(600) ? "V2" : "C2";
  p.placement = PlaceFor(AgeOn(dob, p.start));
  p.need = rng_.Weighted(kCareNeedWeights) == 0 ? "N1" : "N4";
  static constexpr const char* kEnds[] = {"E4A", "E4B", "E41", "E45", "E46", "E8", "E3"};
  p.rec = kEnds[rng_.Weighted(std::array<int, 7>{450, 50, 80, 150, 50, 150, 70})];
  p.flexible = true;
  p.fresh = true;
  return AddPeriod(std::move(p));
}

// The year's new fillers, police protection, children who leave twice, then the year
// end made exact.
void Borough::FlowYear(int fy) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  for (Period& p : periods_) p.fresh = false;
  int fixed = 0;
  for (const Period& p : periods_) {
    fixed += p.kind != Kind::kFiller && !p.ShortBreak() && p.start >= fys && p.start <= fye;
  }
  const int n = kLacStarted[i] - fixed - kLacTwice[i];
  if (n < kLacPolice[i]) {
    return Fail(absl::StrCat("lac_started ", fy, ": ", fixed, " fixed starts leave room for ", n,
                             " others, fewer than the ", kLacPolice[i], " on police protection"));
  }
  std::vector<int32_t> fresh;
  for (int k = 0; k < n; ++k) fresh.push_back(NewFiller(fy));
  // Police protection mostly ends within the 72 hours: give it to the shortest stays.
  std::stable_sort(fresh.begin(), fresh.end(), [&](int32_t a, int32_t b) {
    return periods_[a].end - periods_[a].start < periods_[b].end - periods_[b].start;
  });
  for (int k = 0; k < kLacPolice[i]; ++k) {
    Period& p = periods_[fresh[k]];
    p.pp = true;
    p.ls = "L1";
    p.placement = EmergencyPlacement();
    if (p.end - p.start <= 30) p.end = std::min(p.start + rng_.Between(1, 3), p.deadline);
  }
  // Children looked after on 1 April who leave, come back for days and leave again.
  for (int k = 0; k < kLacTwice[i]; ++k) {
    std::vector<int32_t> candidates;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (p.kind != Kind::kFiller || !p.flexible || p.pinned || p.start >= fys || !p.OpenAt(fys - 1)) continue;
      if (p.deadline <= fye || children_[p.child].periods.back() != static_cast<int32_t>(j)) continue;
      candidates.push_back(static_cast<int32_t>(j));
    }
    if (candidates.empty()) return Fail(absl::StrCat("lac_ceased ", fy, ": no child to leave twice"));
    const int32_t first = candidates[rng_.Below(candidates.size())];
    Period& p = periods_[first];
    p.end = rng_.Between(fys + 10, fye - 90);
    p.pinned = true;
    p.flexible = false;
    Period q;
    q.child = p.child;
    q.start = p.end + rng_.Between(7, 30);
    const int32_t len = rng_.Between(2, 10);
    if (q.start + len > MonthEndOf(q.start)) q.start = MonthEndOf(q.start) + 1;
    q.end = q.start + len;
    q.deadline = p.deadline;
    q.ls = "V2";
    q.placement = PlaceFor(AgeOn(children_[p.child].dob, q.start));
    q.need = p.need;
    q.rec = "E4A";
    q.pinned = true;
    AddPeriod(std::move(q));
  }
  AdjustYearEnd(fy);
  if (status_.ok()) ScheduleMonths(fy);
  // Children whose period ended this year may come back in a later one.
  for (const Period& p : periods_) {
    if (p.kind == Kind::kFiller && p.end >= fys && p.end <= fye &&
        children_[p.child].periods.back() == static_cast<int32_t>(&p - periods_.data())) {
      left_care_.push_back(p.child);
    }
  }
}

// Ends filler periods within the year, or moves their end past it, until the number
// looked after on 31 March is the profile's. Earlier year ends do not change: an end
// moved stays after the previous 31 March.
void Borough::AdjustYearEnd(int fy) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  int diff = CountLookedAfter(fye) - kLacYearEnd[i];
  if (diff > 0) {
    std::vector<int32_t> c;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (p.flexible && !p.pinned && p.end > fye && p.start < fye) c.push_back(static_cast<int32_t>(j));
    }
    // The ones that would have ended soonest end now.
    std::stable_sort(c.begin(), c.end(), [&](int32_t a, int32_t b) { return periods_[a].end < periods_[b].end; });
    if (static_cast<int>(c.size()) < diff) return Fail(absl::StrCat("lac_year_end ", fy, ": too few to end"));
    for (int k = 0; k < diff; ++k) {
      Period& p = periods_[c[k]];
      p.end = rng_.Between(std::max(p.start + 1, fys), fye);
    }
  } else if (diff < 0) {
    std::vector<int32_t> c;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      if (!p.flexible || p.pinned || p.end < fys || p.end > fye || p.deadline <= fye + 30) continue;
      // A later period of the same child blocks it.
      if (children_[p.child].periods.back() != static_cast<int32_t>(j)) continue;
      c.push_back(static_cast<int32_t>(j));
    }
    std::stable_sort(c.begin(), c.end(), [&](int32_t a, int32_t b) { return periods_[a].end > periods_[b].end; });
    if (static_cast<int>(c.size()) < -diff) return Fail(absl::StrCat("lac_year_end ", fy, ": too few to extend"));
    for (int k = 0; k < -diff; ++k) {
      Period& p = periods_[c[k]];
      p.end = fye + rng_.Between(1, std::min(p.deadline - fye, rng_.Between(30, 1500)));
    }
  }
  if (CountLookedAfter(fye) != kLacYearEnd[i]) Fail(absl::StrCat("lac_year_end ", fy));
}

// Month ends: the fillers that start and stay, and the ones looked after on 1 April that
// end in the year, are placed in months so that each month end is on a target path: in
// 2015-16 the profile's (476 at the end of June the highest ever), in other years a line
// from one year end to the next, a few children either side.
void Borough::ScheduleMonths(int fy) {
  const int i = fy - kFirstFy;
  const int before = i == 0 ? kLacInitial : kLacYearEnd[i - 1];
  if (fy == kLastFy) {
    std::array<int, 12> target;
    std::copy(std::begin(kLacMonthEnds2015), std::end(kLacMonthEnds2015), target.begin());
    ScheduleMonthsTo(fy, target, true);
    return;
  }
  // The line between the year ends, each month end free to stray from it by a few
  // children more in each attempt (towards where the random dates put it), never
  // reaching the 2015-16 peak.
  std::array<int, 12> line, natural;
  for (int m = 0; m < 12; ++m) {
    line[m] = before + (kLacYearEnd[i] - before) * (m + 1) / 12 + (m < 11 ? rng_.Between(-3, 3) : 0);
    natural[m] = CountLookedAfter(MonthLast(fy, m));
  }
  for (int tolerance : {0, 6, 12, 20, 30, 45}) {
    std::array<int, 12> target;
    for (int m = 0; m < 12; ++m) {
      target[m] = m == 11 ? kLacYearEnd[i]
                          : std::min(kLacMonthEnds2015[2] - 6,
                                     line[m] + std::clamp(natural[m] - line[m], -tolerance, tolerance));
    }
    if (ScheduleMonthsTo(fy, target, tolerance == 45)) return;
  }
}

// Places the movable starts and ends of `fy` so that the month ends are `target`; false
// (and, when `must`, a failure) when they cannot be.
bool Borough::ScheduleMonthsTo(int fy, const std::array<int, 12>& target, bool must) {
  const int i = fy - kFirstFy;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  const int before = i == 0 ? kLacInitial : kLacYearEnd[i - 1];
  auto fail = [&](const std::string& what) {
    if (must) Fail(absl::StrCat("lac_month_end ", fy, ": ", what));
    return false;
  };
  std::vector<int32_t> stays, enders;
  std::vector<char> movable(periods_.size(), 0);
  for (size_t j = 0; j < periods_.size(); ++j) {
    const Period& p = periods_[j];
    if (p.kind != Kind::kFiller || p.pinned) continue;
    if (p.fresh && p.start >= fys && p.end > fye) {
      stays.push_back(static_cast<int32_t>(j));
      movable[j] = 1;
    } else if (p.flexible && p.start < fys && p.end >= fys && p.end <= fye) {
      enders.push_back(static_cast<int32_t>(j));
      movable[j] = 1;
    }
  }
  const int x = static_cast<int>(stays.size()), e = static_cast<int>(enders.size());
  auto fixed_at = [&](int32_t day) {
    int n = 0;
    for (size_t j = 0; j < periods_.size(); ++j) {
      n += !movable[j] && !periods_[j].ShortBreak() && periods_[j].OpenAt(day);
    }
    return n;
  };
  // X_m - cumE_m must equal r[m + 1]: starts and ends up to month m.
  std::array<int, 13> r{};
  r[0] = before - fixed_at(fys - 1) - e;
  for (int m = 0; m < 12; ++m) r[m + 1] = target[m] - fixed_at(MonthLast(fy, m)) - e;
  if (r[0] != 0 || r[12] != x - e) return fail("the year end does not add up");
  std::array<int, 12> xs{}, es{};
  int used = 0;
  for (int m = 0; m < 12; ++m) {
    es[m] = std::max(0, r[m] - r[m + 1]);
    xs[m] = es[m] + r[m + 1] - r[m];
    used += es[m];
  }
  if (used > e) return fail("too few children leave to follow the months");
  // The rest leave and start in step (one more of each in a month changes no month end).
  for (int extra = e - used, m = 0; extra > 0; --extra, m = (m + 5) % 12) {
    ++es[m];
    ++xs[m];
  }
  // Enders by deadline (a filler leaves before its 16th birthday), earliest months first;
  // stays by the first day they may start (after birth, after an earlier period).
  std::stable_sort(enders.begin(), enders.end(),
                   [&](int32_t a, int32_t b) { return periods_[a].deadline < periods_[b].deadline; });
  std::vector<int32_t> release(periods_.size(), 0);
  for (int32_t j : stays) {
    const Child& c = children_[periods_[j].child];
    release[j] = c.dob + 1;
    for (int32_t other : c.periods) {
      if (other != j && periods_[other].start < periods_[j].start) release[j] = std::max(release[j], periods_[other].end + 30);
    }
  }
  std::stable_sort(stays.begin(), stays.end(), [&](int32_t a, int32_t b) { return release[a] < release[b]; });
  std::vector<std::pair<int32_t, int32_t>> ends, starts;
  size_t k = 0;
  for (int m = 0; m < 12; ++m) {
    for (int n = 0; n < es[m]; ++n, ++k) {
      const Period& p = periods_[enders[k]];
      const int32_t lo = std::max(MonthFirst(fy, m), p.start + 1), hi = std::min(MonthLast(fy, m), p.deadline);
      if (lo > hi) return fail("a child would be 16 before leaving");
      ends.push_back({enders[k], rng_.Between(lo, hi)});
    }
  }
  k = 0;
  for (int m = 0; m < 12; ++m) {
    for (int n = 0; n < xs[m]; ++n, ++k) {
      const int32_t lo = std::max(MonthFirst(fy, m), release[stays[k]]), hi = MonthLast(fy, m);
      if (lo > hi) return fail("a child would start before birth");
      starts.push_back({stays[k], rng_.Between(lo, hi)});
    }
  }
  // Only now that every child fits are the dates changed.
  for (const auto& [j, day] : ends) periods_[j].end = day;
  for (const auto& [j, day] : starts) periods_[j].start = day;
  for (int m = 0; m < 12; ++m) {
    if (CountLookedAfter(MonthLast(fy, m)) != target[m]) {
      Fail(absl::StrCat("lac_month_end ", fy, " month ", m));
      return false;
    }
  }
  // Starting dates moved: keep each child's periods in order.
  for (int32_t j : stays) {
    std::vector<int32_t>& list = children_[periods_[j].child].periods;
    std::sort(list.begin(), list.end(), [&](int32_t a, int32_t b) { return periods_[a].start < periods_[b].start; });
  }
  return true;
}

// Legal status changes and placement moves of a period, inside the loaded years.
void Borough::MakeChanges(Period& p) {
  if (p.ShortBreak()) return;
  const int32_t dob = children_[p.child].dob;
  const int32_t hi = std::min(p.end == kNever ? kWindowEnd : p.end - 1, kWindowEnd);
  if (p.pp) {
    const int32_t t = p.start + rng_.Between(1, 3);
    if (t < p.end) {
      Change c;
      c.day = t;
      c.ls = rng_.PerMille(600) ? "V2" : "C2";
      p.changes.push_back(c);
    }
  }
  const int32_t from = MovesFrom(p);
  const bool adoption_route = p.kind == Kind::kAdoption || p.kind == Kind::kPending;
  const char* ls = p.pp && !p.changes.empty() ? p.changes.back().ls : p.ls;
  if (!adoption_route && std::strcmp(ls, "C2") == 0) {
    const int32_t t = p.start + rng_.Between(150, 420);
    if (t >= from && t <= hi) {
      Change c;
      c.day = t;
      c.ls = "C1";
      p.changes.push_back(c);
    }
  }
  const int32_t until = MovesUntil(p);
  // Moves are rarer than the national picture: the seed's 2014-15 has 320 placements
  // for 283 children starting, so few children moved.
  for (int32_t t = from + rng_.Between(120, 2400); t <= until; t += rng_.Between(365, 2400)) {
    Change c;
    c.day = t;
    c.moves = true;
    c.optional = true;
    c.placement = PlaceFor(AgeOn(dob, t));
    c.reason = kPlaceChangeReasons[rng_.Below(std::size(kPlaceChangeReasons))];
    p.changes.push_back(c);
  }
  std::stable_sort(p.changes.begin(), p.changes.end(),
                   [](const Change& a, const Change& b) { return a.day < b.day; });
  // One change a day: an optional move on the day of another change is dropped.
  std::vector<Change> kept;
  for (Change& c : p.changes) {
    if (!kept.empty() && kept.back().day == c.day) {
      if (!c.optional && kept.back().optional) kept.back() = c;
      continue;
    }
    kept.push_back(std::move(c));
  }
  p.changes = std::move(kept);
}

// The first day a move may happen: after police protection, inside the loaded years.
int32_t Borough::MovesFrom(const Period& p) const {
  int32_t from = std::max(p.start + 1, kWindowStart);
  if (p.pp) from = std::max(from, p.start + 4);
  return from;
}

// The last day a move may happen: before the end, and on the adoption route before the
// placement order (the adoption placement is the last move).
int32_t Borough::MovesUntil(const Period& p) const {
  int32_t until = std::min(p.end == kNever ? kWindowEnd : p.end - 1, kWindowEnd);
  if (p.po != kNone) until = std::min(until, p.po - 1);
  if (p.ap != kNone) until = std::min(until, p.ap - 1);
  return until;
}

int Borough::Placements(int fy) const {
  int n = 0;
  for (const Period& p : periods_) {
    if (p.ShortBreak()) continue;
    n += FinancialYearOf(p.start) == fy;
    for (const Change& c : p.changes) n += c.moves && FinancialYearOf(c.day) == fy;
  }
  return n;
}

void Borough::CalibratePlacements(int fy) {
  const int target = kLacPlacements[fy - kFirstFy];
  if (target < 0) return;
  int n = Placements(fy);
  if (n > target) {
    std::vector<std::pair<int32_t, int32_t>> optional;
    for (size_t j = 0; j < periods_.size(); ++j) {
      const Period& p = periods_[j];
      for (size_t k = 0; k < p.changes.size(); ++k) {
        const Change& c = p.changes[k];
        if (c.optional && FinancialYearOf(c.day) == fy) optional.push_back({static_cast<int32_t>(j), c.day});
      }
    }
    rng_.Shuffle(optional);
    if (static_cast<int>(optional.size()) < n - target) {
      int starts = 0, fixed_moves = 0;
      for (const Period& p : periods_) {
        if (p.ShortBreak()) continue;
        starts += FinancialYearOf(p.start) == fy;
        for (const Change& c : p.changes) fixed_moves += c.moves && !c.optional && FinancialYearOf(c.day) == fy;
      }
      return Fail(absl::StrCat("lac_placements ", fy, ": ", n, " placements (", starts, " starts, ", fixed_moves,
                               " adoption placements, ", optional.size(), " other moves) for ", target));
    }
    for (int k = 0; n > target; ++k, --n) {
      auto& changes = periods_[optional[k].first].changes;
      changes.erase(std::find_if(changes.begin(), changes.end(),
                                 [&](const Change& c) { return c.day == optional[k].second; }));
    }
  }
  for (int attempt = 0; n < target && attempt < 100000; ++attempt) {
    Period& p = periods_[rng_.Below(periods_.size())];
    if (p.ShortBreak()) continue;
    const int32_t lo = std::max(MovesFrom(p), Fys(fy)), hi = std::min(MovesUntil(p), Fye(fy));
    if (lo > hi) continue;
    const int32_t day = rng_.Between(lo, hi);
    if (std::any_of(p.changes.begin(), p.changes.end(), [&](const Change& c) { return c.day == day; })) continue;
    Change c;
    c.day = day;
    c.moves = true;
    c.optional = true;
    c.placement = PlaceFor(AgeOn(children_[p.child].dob, day));
    c.reason = kPlaceChangeReasons[rng_.Below(std::size(kPlaceChangeReasons))];
    p.changes.insert(std::upper_bound(p.changes.begin(), p.changes.end(), c,
                                      [](const Change& a, const Change& b) { return a.day < b.day; }),
                     c);
    ++n;
  }
  if (Placements(fy) != target) Fail(absl::StrCat("lac_placements ", fy));
}

// lac_inhouse_foster_children: children placed in the year in the LA's own foster care.
void Borough::CalibrateInHouse(int fy) {
  const int target = kLacInHouse[fy - kFirstFy];
  if (target < 0) return;
  const int32_t fys = Fys(fy), fye = Fye(fy);
  // Each child's placements held on some day of the year.
  std::map<int32_t, std::vector<Placement*>> held;
  for (Period& p : periods_) {
    if (p.ShortBreak() || p.start > fye || p.end <= fys) continue;
    std::vector<Placement*>& list = held[p.child];
    int32_t from = p.start;
    Placement* current = &p.placement;
    for (Change& c : p.changes) {
      if (!c.moves) continue;
      if (from <= fye && c.day > fys) list.push_back(current);
      from = c.day;
      current = &c.placement;
    }
    if (from <= fye && p.end > fys) list.push_back(current);
  }
  std::vector<int32_t> in, out;
  for (const auto& [child, list] : held) {
    bool any = false, foster = false;
    for (const Placement* pl : list) {
      any = any || InHouseFoster(*pl);
      foster = foster || pl->place[0] == 'U';
    }
    if (any) {
      in.push_back(child);
    } else if (foster) {
      out.push_back(child);
    }
  }
  rng_.Shuffle(in);
  rng_.Shuffle(out);
  int n = static_cast<int>(in.size());
  for (size_t k = 0; n > target && k < in.size(); ++k, --n) {
    for (Placement* pl : held[in[k]]) {
      if (InHouseFoster(*pl)) pl->provider = "PR4";
    }
  }
  for (size_t k = 0; n < target && k < out.size(); ++k, ++n) {
    for (Placement* pl : held[out[k]]) {
      if (pl->place[0] == 'U') {
        pl->provider = "PR1";
        break;
      }
    }
  }
  if (n != target) Fail(absl::StrCat("lac_inhouse_foster_children ", fy));
}

// Sex, age and ethnicity of the children looked after at the calibrated year ends.
// Ages move by shifting the birth dates of filler children (who leave before 16), so
// every period still starts after birth and ends before the 16th birthday.
void Borough::CalibrateCharacteristics() {
  // Children looked after at each year end, once each.
  auto at = [&](int fy) {
    std::vector<int32_t> out;
    for (const Period& p : periods_) {
      if (!p.ShortBreak() && p.OpenAt(Fye(fy))) out.push_back(p.child);
    }
    std::sort(out.begin(), out.end());
    out.erase(std::unique(out.begin(), out.end()), out.end());
    return out;
  };
  for (int i = 0; i < kYears; ++i) {
    if (kLacFemalePct[i] < 0) continue;
    const std::vector<int32_t> children = at(kFirstFy + i);
    const int target = CountForPct(kLacFemalePct[i], static_cast<int>(children.size()));
    int n = 0;
    for (int32_t c : children) n += !children_[c].male;
    std::vector<int32_t> order = children;
    rng_.Shuffle(order);
    for (int32_t c : order) {
      if (n == target) break;
      Child& ch = children_[c];
      if (n > target && !ch.male) {
        ch.male = true;
        --n;
      } else if (n < target && ch.male) {
        ch.male = false;
        ++n;
      }
    }
    if (n != target) return Fail(absl::StrCat("lac_female_pct ", kFirstFy + i));
  }

  // Two-year calibrations (under 10, White British): a child at both year ends counts in
  // both, so a change is kept only when it brings the two counts nearer their targets.
  struct Target {
    int fy;
    std::vector<char> member;
    int n;
    int target;
  };
  auto calibrate = [&](const int* pcts, const char* name, auto has, auto propose) {
    std::vector<Target> ts;
    std::vector<int32_t> all;
    for (int i = 0; i < kYears; ++i) {
      if (pcts[i] < 0) continue;
      const std::vector<int32_t> kids = at(kFirstFy + i);
      Target t{kFirstFy + i, std::vector<char>(children_.size(), 0), 0,
               CountForPct(pcts[i], static_cast<int>(kids.size()))};
      for (int32_t c : kids) {
        t.member[c] = 1;
        t.n += has(c, t.fy);
      }
      all.insert(all.end(), kids.begin(), kids.end());
      ts.push_back(std::move(t));
    }
    std::sort(all.begin(), all.end());
    all.erase(std::unique(all.begin(), all.end()), all.end());
    auto error = [&] {
      int e = 0;
      for (const Target& t : ts) e += std::abs(t.n - t.target);
      return e;
    };
    for (int round = 0; round < 60 && error() > 0; ++round) {
      rng_.Shuffle(all);
      for (int32_t c : all) {
        if (error() == 0) break;
        std::vector<int> before;
        for (const Target& t : ts) before.push_back(t.member[c] ? has(c, t.fy) : 0);
        // Called by `propose` after it changed the child: keeps the change (true) when
        // it lowers the error.
        auto accept = [&] {
          int changed = 0;
          for (size_t k = 0; k < ts.size(); ++k) {
            const int after = ts[k].member[c] ? has(c, ts[k].fy) : 0;
            changed += std::abs(ts[k].n - before[k] + after - ts[k].target);
          }
          if (changed >= error()) return false;
          for (size_t k = 0; k < ts.size(); ++k) {
            ts[k].n += (ts[k].member[c] ? has(c, ts[k].fy) : 0) - before[k];
          }
          return true;
        };
        propose(c, accept);
      }
    }
    if (error() != 0) {
      std::string detail;
      for (const Target& t : ts) absl::StrAppend(&detail, " ", t.fy, ": ", t.n, " for ", t.target, ";");
      Fail(absl::StrCat(name, ":", detail));
    }
  };

  calibrate(
      kLacWbriPct, "lac_ethnicity_pct{WBRI}", [&](int32_t c, int) { return children_[c].ethnicity == kWbri ? 1 : 0; },
      [&](int32_t c, auto accept) {
        Child& ch = children_[c];
        const uint8_t was = ch.ethnicity;
        ch.ethnicity = was == kWbri ? static_cast<uint8_t>(1 + rng_.Below(kEthnicities.size() - 1)) : kWbri;
        if (!accept()) ch.ethnicity = was;
      });
  if (!status_.ok()) return;

  calibrate(
      kLacUnder10Pct, "lac_under10_pct",
      [&](int32_t c, int fy) { return AgeOn(children_[c].dob, Fye(fy)) < 10 ? 1 : 0; },
      [&](int32_t c, auto accept) {
        Child& ch = children_[c];
        int32_t latest = INT32_MAX;  // born before every period starts
        for (int32_t id : ch.periods) {
          const Period& p = periods_[id];
          if (p.kind != Kind::kFiller) return;
          latest = std::min(latest, p.start - 1);
        }
        const int32_t was = ch.dob;
        for (int shift : {-1, 1, -2, 2, -3, -4}) {
          const int32_t to = ShiftYears(was, shift) + rng_.Between(-60, 60);
          if (to > latest) continue;
          // Still under 16 on the last day looked after (an end after 31 March 2016 is
          // not in any return: it may come sooner).
          const int32_t sixteenth = Birthday(to, 16);
          bool ok = true;
          for (int32_t id : ch.periods) {
            const int32_t end = periods_[id].end;
            ok = ok && (end < sixteenth || (end > kWindowEnd && sixteenth - 1 > kWindowEnd));
          }
          if (!ok) continue;
          ch.dob = to;
          if (accept()) {
            ch.eighteenth = EighteenthBirthday(to);
            for (int32_t id : ch.periods) {
              periods_[id].deadline = sixteenth - 1;
              periods_[id].end = std::min(periods_[id].end, sixteenth - 1);
            }
            return;
          }
          ch.dob = was;
        }
      });
}

void Borough::BuildLookedAfter() {
  for (int i = 0; i < kYears; ++i) {
    const int fy = kFirstFy + i, n = kAdoptions[i];
    // A1 days drawn round the year's mean, then nudged to the exact sum.
    std::vector<int32_t> a1(n);
    int64_t sum = 0;
    for (int32_t& v : a1) {
      v = std::clamp(kA1Sum[i] / n * rng_.Between(55, 160) / 100, 240, 1500);
      sum += v;
    }
    for (int64_t diff = kA1Sum[i] - sum; diff != 0;) {
      int32_t& v = a1[rng_.Below(n)];
      const int step = diff > 0 ? 1 : -1;
      if (v + step < 240 || v + step > 1500) continue;
      v += step;
      diff -= step;
    }
    for (int32_t v : a1) MakeAdoption(fy, v);
  }
  CalibrateDecisions();
  if (!status_.ok()) return;
  MakeLeavers();
  MakeShortBreaks();
  MakeLegacyFillers();
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) FlowYear(fy);
  if (!status_.ok()) return;
  for (Period& p : periods_) MakeChanges(p);
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) CalibratePlacements(fy);
  for (int fy = kFirstFy; fy <= kLastFy && status_.ok(); ++fy) CalibrateInHouse(fy);
  if (status_.ok()) CalibrateCharacteristics();
  SettleSgoEnds();
}

// Special guardianship to former foster carers (E45, E46) ends a foster placement (U1 to
// U6, rule 516); from any other placement the order is to other carers (E47, E48).
void Borough::SettleSgoEnds() {
  for (Period& p : periods_) {
    const bool former = std::strcmp(p.rec, "E45") == 0, other = std::strcmp(p.rec, "E46") == 0;
    if (!former && !other) continue;
    const Placement* last = &p.placement;
    for (const Change& c : p.changes) {
      if (c.moves) last = &c.placement;
    }
    if (last->place[0] != 'U') p.rec = former ? "E47" : "E48";
  }
}


}  // namespace carestat::synth
