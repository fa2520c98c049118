// CIN episodes: those the story children's periods of care and plans live in, the front
// door (contacts and the other referrals), then the calibration of the CIN figures.
#include "synth/model.h"

namespace carestat::synth {

// ---------------------------------------------------------------------------------------
// CIN episodes of the story children.

int32_t Borough::AddEpisode(Episode e) {
  const int32_t id = static_cast<int32_t>(episodes_.size());
  children_[e.child].episodes.push_back(id);
  episodes_.push_back(std::move(e));
  return id;
}

int32_t Borough::AddS47(int32_t episode, int32_t start, int32_t outcome, bool icpc, bool generic) {
  S47 s;
  s.episode = episode;
  s.start = start;
  s.outcome = outcome;
  s.icpc = icpc;
  s.generic = generic;
  s47s_.push_back(s);
  const int32_t id = static_cast<int32_t>(s47s_.size() - 1);
  episodes_[episode].s47s.push_back(id);
  return id;
}

void Borough::AddAssessment(Episode& e, int32_t start, int wd) {
  e.asmt_start = start;
  e.asmt_auth = cal_.Add(start, wd);
  if (rng_.PerMille(80)) {
    e.nfactors = 0;  // 21: no factors identified
    return;
  }
  e.nfactors = static_cast<uint8_t>(1 + rng_.Weighted(std::array<int, 3>{500, 350, 150}));
  for (int k = 0; k < e.nfactors; ++k) {
    uint8_t f;
    do {
      f = static_cast<uint8_t>(rng_.Below(kFactors.size()));
    } while (std::find(e.factors, e.factors + k, f) != e.factors + k);
    e.factors[k] = f;
  }
}

// The earliest closure the episode's contents allow.
void Borough::SetFloor(Episode& e) {
  int32_t f = e.referral + 1;
  if (e.asmt_auth != kNone) f = std::max(f, e.asmt_auth);
  if (e.cin_plan_start != kNone) f = std::max(f, e.cin_plan_start + 1);
  for (int32_t s : e.s47s) {
    if (!s47s_[s].removed) f = std::max(f, s47s_[s].outcome);
  }
  for (int32_t p : e.plans) f = std::max(f, plans_[p].end == kNever ? kNever : plans_[p].end);
  e.floor = std::max(e.floor, f);
}

void Borough::BuildHosts() {
  for (int32_t child = 0; child < static_cast<int32_t>(children_.size()); ++child) {
    Child& c = children_[child];
    // Periods of care, in groups a CIN episode spans (a break of over 120 days ends one).
    std::vector<std::vector<int32_t>> groups;
    for (int32_t id : c.periods) {
      const Period& p = periods_[id];
      if (groups.empty() || (p.ShortBreak() != periods_[groups.back().back()].ShortBreak()) ||
          (!p.ShortBreak() && p.start - periods_[groups.back().back()].end > 120)) {
        groups.emplace_back();
      }
      groups.back().push_back(id);
    }
    // Plans: one CIN episode each.
    struct Host {
      int32_t referral = 0;
      int32_t last_end = 0;
      std::vector<int32_t> periods;
      int32_t plan = -1;
      int32_t s47_start = 0;
    };
    std::vector<Host> hosts;
    for (auto& g : groups) {
      Host h;
      const Period& first = periods_[g.front()];
      int32_t lag = first.pp ? 0 : rng_.PerMille(200) ? 0 : rng_.Between(1, 90);
      if (first.ShortBreak()) lag = rng_.Between(30, 300);
      h.referral = std::max(first.start - lag, c.dob + 1);
      h.last_end = periods_[g.back()].end;
      h.periods = g;
      hosts.push_back(std::move(h));
    }
    for (int32_t id : c.plans) {
      Host h;
      const Plan& p = plans_[id];
      h.plan = id;
      h.s47_start = std::max(c.dob + 1, p.start - rng_.Between(5, 32));
      h.referral = std::max(c.dob + 1, h.s47_start - (rng_.PerMille(400) ? 0 : rng_.Between(1, 20)));
      h.last_end = p.end;
      hosts.push_back(std::move(h));
    }
    std::sort(hosts.begin(), hosts.end(), [](const Host& a, const Host& b) { return a.referral < b.referral; });
    for (size_t k = 0; k < hosts.size(); ++k) {
      const Host& h = hosts[k];
      const int32_t next = k + 1 < hosts.size() ? hosts[k + 1].referral : kNever;
      Episode e;
      e.child = child;
      e.referral = h.referral;
      e.kind = EpKind::kHost;
      e.cap = std::min(c.eighteenth, next - 1);
      if (h.plan >= 0) {
        Plan& p = plans_[h.plan];
        e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
        e.need = static_cast<uint8_t>(rng_.PerMille(800) ? 0 : 3);
        if (p.end == kNever || p.end > kWindowEnd) {
          e.closure = kNever;
        } else {
          const int32_t tail = rng_.PerMille(250) ? 0 : rng_.Between(30, 300);
          e.closure = std::min(p.end + tail, e.cap);
          if (e.closure > p.end) e.cin_plan_start = p.end;
          e.adjustable = true;
          e.floor = p.end + (e.cin_plan_start != kNone ? 1 : 0);
          e.reason = kRc7;
        }
        AddAssessment(e, e.referral + rng_.Between(0, 2), rng_.Between(5, 50));
        if (e.closure != kNever && e.asmt_auth > e.closure) e.asmt_auth = e.closure;
        const int32_t id = AddEpisode(std::move(e));
        AddS47(id, h.s47_start, p.start, true, false);
        episodes_[id].plans.push_back(h.plan);
        p.episode = id;
        SetFloor(episodes_[id]);
        continue;
      }
      const Period& first = periods_[h.periods.front()];
      const Period& last = periods_[h.periods.back()];
      e.source = first.pp ? kPoliceSource : static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
      e.need = static_cast<uint8_t>(first.need[1] - '1');
      if (last.end == kNever || last.end > kWindowEnd) {
        e.closure = kNever;
      } else if (std::strcmp(last.rec, "E11") == 0 || std::strcmp(last.rec, "E12") == 0) {
        e.closure = last.end;
        e.reason = kRc1;
      } else if (last.rec[1] == '4' && last.rec[2] != 'A' && last.rec[2] != 'B' && last.rec[2] != '1') {
        e.closure = last.end;  // E45..E48: special guardianship or child arrangements order
        e.reason = kRc4;
      } else if (std::strcmp(last.rec, "E41") == 0) {
        e.closure = last.end;
        e.reason = kRc3;
      } else if (last.end >= c.eighteenth || first.ShortBreak()) {
        e.closure = std::min(last.end, c.eighteenth);
      } else {
        e.closure = std::min(last.end + rng_.Between(14, 200), e.cap);
        e.adjustable = true;
        e.floor = last.end;
      }
      if (first.ShortBreak()) e.closure = c.eighteenth <= kWindowEnd ? c.eighteenth : kNever;
      AddAssessment(e, e.referral + rng_.Between(0, 2), rng_.Between(5, 60));
      // A care of a day or two closes the episode before the assessment would have
      // started: it starts and ends that day (rules 8565, 8608).
      if (e.closure != kNever && e.asmt_start > e.closure) e.asmt_start = e.closure;
      if (e.closure != kNever && e.asmt_auth > e.closure) e.asmt_auth = e.closure;
      const int32_t id = AddEpisode(std::move(e));
      Episode& ep = episodes_[id];
      if (first.pp || rng_.PerMille(300)) {
        int32_t start = first.pp ? ep.referral : ep.referral + rng_.Between(0, 3);
        if (ep.closure != kNever) start = std::min(start, ep.closure);
        int32_t outcome = cal_.Add(start, rng_.Between(2, 10));
        if (ep.closure != kNever) outcome = std::min(outcome, ep.closure);
        AddS47(id, start, std::max(outcome, start), false, false);
      }
      SetFloor(episodes_[id]);
    }
  }
}

// ---------------------------------------------------------------------------------------
// The front door: contacts and the other referrals, as before.

// Weekend days are kept only `weekend_per_mille` of the time: out-of-hours work is
// mostly police and emergencies.
int32_t Borough::SampleDay(int32_t start, int32_t end, int weekend_per_mille) {
  for (;;) {
    const int32_t day = rng_.Between(start, end);
    if (!IsWeekend(day) || rng_.PerMille(weekend_per_mille)) return day;
  }
}

// Recent children are likelier to come back than ones seen years ago.
int32_t Borough::PickRecent(const std::vector<int32_t>& pool) {
  const uint64_t window = std::min<uint64_t>(pool.size(), 5000);
  return pool[pool.size() - 1 - rng_.Below(window)];
}

void Borough::AddContactRow(int32_t child, int32_t day, int source) {
  children_[child].contact_days.push_back(day);
  contacts_.push_back({day, child, static_cast<uint8_t>(source)});
}

// A day for the contact behind a referral on `referral` of `child`: the preferred
// lead day, else the referral day itself; -1 when neither is free.
int32_t Borough::ContactDayFor(const Child& c, int32_t preferred, int32_t referral) const {
  if (c.dob < preferred && !c.HasContactOn(preferred)) return preferred;
  if (!c.HasContactOn(referral)) return referral;
  return -1;
}

bool Borough::CanRefer(const Child& c, int32_t referral) const {
  return c.AgedUnder18On(referral) && c.last_closure < referral;
}

void Borough::BuildFrontDoor() {
  // Referrals of the story children bring their own contacts.
  const std::map<int, int> story = StoryContacts(kWindowStart);
  if (!status_.ok()) return;
  // Open cases referred before April 2010: the caseload the window starts with.
  for (int n = 0; n < kLegacyGeneric; ++n) AddLegacyCase(kWindowStart);
  for (int i = 0; i < kYears && status_.ok(); ++i) {
    auto it = story.find(kFirstFy + i);
    const int generic = kReferrals[i] - (it == story.end() ? 0 : it->second);
    if (generic < 0) return Fail(absl::StrCat("referrals ", kFirstFy + i, ": more story referrals than the year has"));
    RunYear(kFirstFy + i, generic, kContacts[i] - kReferrals[i]);
  }
}

// A contact for each story referral dated from `window_start`; the referrals per
// financial year.
std::map<int, int> Borough::StoryContacts(int32_t window_start) {
  std::map<int, int> story;
  for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
    const Episode& e = episodes_[id];
    if (e.referral < window_start) continue;
    const int fy = FinancialYearOf(e.referral);
    ++story[fy];
    const int32_t preferred = std::max(Fys(fy), e.referral - rng_.Weighted(kContactLeadWeights));
    const int32_t day = ContactDayFor(children_[e.child], preferred, e.referral);
    if (day < 0) {
      Fail("a story referral has no free day for its contact");
      return story;
    }
    AddContactRow(e.child, day, e.source);
  }
  return story;
}

// A generic child's CIN case referred before `window_start` and still open on that day.
void Borough::AddLegacyCase(int32_t window_start) {
  Child c;
  c.dob = DobForAge(window_start, rng_.Between(1, 15));
  c.eighteenth = EighteenthBirthday(c.dob);
  c.male = rng_.PerMille(520);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  c.referred = true;
  children_.push_back(std::move(c));
  const int32_t child = static_cast<int32_t>(children_.size() - 1);
  known_.push_back(child);
  referred_.push_back(child);
  Child& ch = children_[child];
  Episode e;
  e.child = child;
  e.kind = EpKind::kLegacy;
  e.referral = std::max(ch.dob + 1, window_start - rng_.Between(30, 1400));
  switch (rng_.Weighted(std::array<int, 3>{400, 350, 250})) {
    case 0: e.closure = window_start + rng_.Between(0, 180); break;
    case 1: e.closure = window_start + rng_.Between(181, 540); break;
    default: e.closure = window_start + rng_.Between(541, 1400); break;
  }
  e.closure = std::min(e.closure, ch.eighteenth);
  e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
  e.need = static_cast<uint8_t>(rng_.Weighted(kNeedWeights));
  e.reason = static_cast<uint8_t>(rng_.Weighted(kLongClosureWeights));
  e.asmt_start = e.referral;
  e.asmt_auth = std::min(e.referral + 20, window_start - 2);
  e.nfactors = 1;
  e.factors[0] = static_cast<uint8_t>(rng_.Below(kFactors.size()));
  e.cin_plan_start = std::min(e.asmt_auth + 5, window_start - 1);
  if (e.asmt_auth < e.asmt_start) e.asmt_auth = e.asmt_start;
  if (e.cin_plan_start < e.asmt_auth) e.cin_plan_start = e.asmt_auth;
  e.adjustable = true;
  e.cap = ch.eighteenth;
  SetFloor(e);
  ch.last_closure = e.closure;
  AddEpisode(std::move(e));
}

void Borough::RunYear(int fy, int generic_referrals, int contact_only) {
  const int32_t start = Fys(fy), end = Fye(fy);
  struct Event {
    int32_t day;
    bool referral;
  };
  std::vector<Event> events;
  events.reserve(static_cast<size_t>(generic_referrals + contact_only));
  // Each referral brings its own contact, so the rest are contacts that went no
  // further.
  for (int k = 0; k < generic_referrals; ++k) events.push_back({SampleDay(start, end, 150), true});
  for (int k = 0; k < contact_only; ++k) events.push_back({SampleDay(start, end, 300), false});
  // Chronological order lets an earlier contact's child be referred later and an
  // episode close before the same child's next referral.
  std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) { return a.day < b.day; });
  for (const Event& e : events) {
    if (e.referral) {
      AddReferral(e.day, fy);
    } else {
      AddContact(e.day);
    }
  }
}

void Borough::AddReferral(int32_t referral, int fy) {
  const int32_t fy_start = Fys(fy), fy_end = Fye(fy);
  const int32_t preferred = std::max(fy_start, referral - rng_.Weighted(kContactLeadWeights));
  int32_t child = -1, contact_day = -1;
  // Tuned so that about a fifth of referrals follow another within 12 months (the
  // national re-referral rate) and some are of children known from earlier contacts.
  const std::vector<int32_t>* pools[2] = {&referred_, &known_};
  const int pool_per_mille[2] = {300, 250};
  for (int p = 0; p < 2 && child < 0; ++p) {
    if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int32_t candidate = PickRecent(*pools[p]);
      const Child& c = children_[candidate];
      if (!CanRefer(c, referral)) continue;
      const int32_t day = ContactDayFor(c, preferred, referral);
      if (day < 0) continue;
      child = candidate;
      contact_day = day;
      break;
    }
  }
  if (child < 0) {
    child = NewChild(preferred, referral);
    contact_day = preferred;
  }

  Episode e;
  e.child = child;
  e.referral = referral;
  e.source = static_cast<uint8_t>(rng_.Weighted(kReferralSourceWeights));
  e.need = static_cast<uint8_t>(rng_.Weighted(kNeedWeights));
  // No further action, closed after assessment, a plan of up to a year, a longer one.
  const int kind = rng_.Weighted(referral_kinds_);
  int32_t s47_start = kNone;
  if (kind == 0 && referral < fy_end) {
    // No further action is decided quickly, within the referral's own year.
    e.kind = EpKind::kNfa;
    e.nfa = true;
    e.closure = referral + rng_.Between(1, std::min<int32_t>(14, fy_end - referral));
    // Not RC8, "closed after assessment": there was none (rule 8825Q).
    e.reason = kRc7;
  } else {
    AddAssessment(e, referral + rng_.Weighted(kContactLeadWeights),
                  rng_.PerMille(720) ? rng_.Between(5, 45) : rng_.Between(46, 90));
    if (kind <= 1) {
      e.kind = EpKind::kAfterAssessment;
      e.closure = e.asmt_auth + rng_.Between(0, 10);
      e.reason = kRc8;
    } else {
      e.kind = kind == 2 ? EpKind::kPlan : EpKind::kLongPlan;
      e.cin_plan_start = e.asmt_auth + rng_.Between(0, 10);
      e.closure = referral + (kind == 2 ? rng_.Between(45, 365) : rng_.Between(366, 1100));
      e.closure = std::max(e.closure, e.cin_plan_start + 14);
      e.reason = static_cast<uint8_t>(rng_.Weighted(kLongClosureWeights));
      e.adjustable = true;
    }
    if (rng_.PerMille(kS47GenericPerMille[fy - kFirstFy])) s47_start = referral + rng_.Between(0, 5);
  }
  Child& c = children_[child];
  int32_t s47_outcome = kNone;
  if (s47_start != kNone) {
    s47_outcome = cal_.Add(s47_start, rng_.Between(3, 15));
    if (e.kind == EpKind::kAfterAssessment) e.closure = std::max(e.closure, s47_outcome);
  }
  if (e.closure >= c.eighteenth) {
    e.closure = c.eighteenth;
    e.nfa = false;
    // What the 18th birthday cut short.
    if (e.asmt_start != kNone && e.asmt_start >= e.closure) {
      e.asmt_start = e.asmt_auth = kNone;
      e.nfactors = 0;
    }
    if (e.asmt_auth != kNone) e.asmt_auth = std::min(e.asmt_auth, e.closure);
    if (e.cin_plan_start != kNone && e.cin_plan_start >= e.closure) e.cin_plan_start = kNone;
    if (s47_start != kNone && s47_start >= e.closure) s47_start = kNone;
    if (s47_outcome != kNone) s47_outcome = std::min(s47_outcome, e.closure);
  }
  if (e.kind == EpKind::kAfterAssessment && e.asmt_auth != kNone) e.gap = e.closure - e.asmt_auth;
  if (e.cin_plan_start != kNone) e.gap = e.cin_plan_start - e.asmt_auth;
  e.cap = c.eighteenth;
  c.last_closure = e.closure;
  if (!c.referred) {
    c.referred = true;
    referred_.push_back(child);
  }
  const int32_t id = AddEpisode(std::move(e));
  if (s47_start != kNone) {
    // No conference on a day the 18th birthday cut the enquiry short to, if not a
    // working day (rule 8875).
    const bool icpc = rng_.PerMille(120);
    AddS47(id, s47_start, s47_outcome, icpc && cal_.Working(s47_outcome), true);
  }
  SetFloor(episodes_[id]);
  // The contact and the referral share the source: it is the same call.
  AddContactRow(child, contact_day, episodes_[id].source);
}

void Borough::AddContact(int32_t day) {
  const int source = rng_.Weighted(kContactSourceWeights);
  // Repeat contacts: about a fifth about children already referred (often while
  // their case is open), a fifth about children seen before.
  const std::vector<int32_t>* pools[2] = {&referred_, &known_};
  const int pool_per_mille[2] = {200, 250};
  for (int p = 0; p < 2; ++p) {
    if (pools[p]->empty() || !rng_.PerMille(pool_per_mille[p])) continue;
    for (int attempt = 0; attempt < 6; ++attempt) {
      const int32_t candidate = PickRecent(*pools[p]);
      const Child& c = children_[candidate];
      if (c.AgedUnder18On(day) && !c.HasContactOn(day)) {
        AddContactRow(candidate, day, source);
        return;
      }
    }
  }
  AddContactRow(NewChild(day, day), day, source);
}

// The referral date of the child's next episode; kNever when there is none.
int32_t Borough::NextReferral(const Episode& e) const {
  int32_t next = kNever;
  for (int32_t id : children_[e.child].episodes) {
    const int32_t r = episodes_[id].referral;
    if (r > e.referral) next = std::min(next, r);
  }
  return next;
}

// ---------------------------------------------------------------------------------------
// Calibration of the CIN figures.

// assessment_timeliness_pct: assessments of generic episodes authorised in the year are
// made quicker or slower, staying in the year.
void Borough::CalibrateTimeliness() {
  for (int i = 0; i < kYears; ++i) {
    if (kTimelyPct[i] < 0) continue;
    const int fy = kFirstFy + i;
    int n = 0, timely = 0;
    std::vector<int32_t> fast, slow;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (e.asmt_auth == kNone || FinancialYearOf(e.asmt_auth) != fy) continue;
      ++n;
      const bool in_time = cal_.Between(e.asmt_start, e.asmt_auth) <= 45;
      timely += in_time;
      if (e.kind == EpKind::kAfterAssessment || e.kind == EpKind::kPlan || e.kind == EpKind::kLongPlan) {
        (in_time ? fast : slow).push_back(id);
      }
    }
    const int target = CountForPct(kTimelyPct[i], n);
    rng_.Shuffle(fast);
    rng_.Shuffle(slow);
    std::vector<int32_t>& pool = timely > target ? fast : slow;
    for (int32_t id : pool) {
      if (timely == target) break;
      Episode& e = episodes_[id];
      const bool make_slow = timely > target;
      const int32_t auth = cal_.Add(e.asmt_start, make_slow ? rng_.Between(46, 75) : rng_.Between(10, 45));
      if (FinancialYearOf(auth) != fy) continue;
      const int32_t limit = std::min(e.cap, NextReferral(e) - 1);
      if (e.kind == EpKind::kAfterAssessment) {
        const int32_t closure = auth + e.gap;
        int32_t s47_end = INT32_MIN;
        for (int32_t s : e.s47s) s47_end = std::max(s47_end, s47s_[s].outcome);
        if (closure > limit || closure < s47_end || closure <= e.referral) continue;
        e.closure = closure;
      } else {
        const int32_t plan = auth + e.gap;
        if (plan + 1 > e.closure) continue;
        e.cin_plan_start = plan;
      }
      e.asmt_auth = auth;
      e.floor = INT32_MIN;
      SetFloor(e);
      timely += make_slow ? -1 : 1;
    }
    if (timely != target) return Fail(absl::StrCat("assessment_timeliness_pct ", fy));
  }
}

// s47_enquiries: generic enquiries added to or dropped from episodes of the year.
void Borough::CalibrateS47() {
  for (int i = 0; i < kYears; ++i) {
    if (kS47[i] < 0) continue;
    const int fy = kFirstFy + i;
    int n = 0;
    std::vector<int32_t> drop;
    for (int32_t s = 0; s < static_cast<int32_t>(s47s_.size()); ++s) {
      if (s47s_[s].removed || FinancialYearOf(s47s_[s].start) != fy) continue;
      ++n;
      if (s47s_[s].generic) drop.push_back(s);
    }
    rng_.Shuffle(drop);
    for (size_t k = 0; n > kS47[i] && k < drop.size(); ++k, --n) {
      S47& s = s47s_[drop[k]];
      s.removed = true;
      Episode& e = episodes_[s.episode];
      e.s47s.erase(std::find(e.s47s.begin(), e.s47s.end(), drop[k]));
      e.floor = INT32_MIN;
      SetFloor(e);
    }
    std::vector<int32_t> add;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (!e.s47s.empty() || e.referral < Fys(fy) || e.referral > Fye(fy) - 5) continue;
      if (e.kind == EpKind::kAfterAssessment || e.kind == EpKind::kPlan || e.kind == EpKind::kLongPlan) {
        add.push_back(id);
      }
    }
    rng_.Shuffle(add);
    for (size_t k = 0; n < kS47[i] && k < add.size(); ++k) {
      Episode& e = episodes_[add[k]];
      const int32_t start = e.referral + rng_.Between(0, 5);
      const int32_t outcome = cal_.Add(start, rng_.Between(3, 15));
      if (outcome > e.closure || FinancialYearOf(start) != fy) continue;
      AddS47(add[k], start, outcome, rng_.PerMille(120), true);
      SetFloor(episodes_[add[k]]);
      ++n;
    }
    if (n != kS47[i]) return Fail(absl::StrCat("s47_enquiries ", fy, ": ", n));
  }
}

// cin_open_year_end: closures moved across each 31 March in turn; an earlier year end
// does not change (a closure moved stays after it).
void Borough::CalibrateCinOpen() {
  for (int i = 0; i < kYears; ++i) {
    const int fy = kFirstFy + i;
    const int32_t fys = Fys(fy), fye = Fye(fy);
    // Children with an open episode at a date: one episode each (episodes do not overlap).
    auto open = [&] {
      int n = 0;
      for (const Episode& e : episodes_) n += e.referral <= fye && e.closure > fye;
      return n;
    };
    int diff = open() - kCinOpen[i];
    std::vector<int32_t> c;
    for (int32_t id = 0; id < static_cast<int32_t>(episodes_.size()); ++id) {
      const Episode& e = episodes_[id];
      if (!e.adjustable) continue;
      if (diff > 0 && e.referral <= fye && e.closure > fye) {
        const int32_t lo = std::max({e.floor, e.referral < fys ? fys : e.referral + 1});
        if (lo <= fye) c.push_back(id);
      } else if (diff < 0 && e.closure >= fys && e.closure <= fye) {
        if (std::min(e.cap, NextReferral(e) - 1) > fye) c.push_back(id);
      }
    }
    rng_.Shuffle(c);
    if (static_cast<int>(c.size()) < std::abs(diff)) {
      return Fail(absl::StrCat("cin_open_year_end ", fy, ": ", std::abs(diff), " to move, ", c.size(), " movable"));
    }
    for (int k = 0; k < std::abs(diff); ++k) {
      Episode& e = episodes_[c[k]];
      if (diff > 0) {
        const int32_t lo = std::max({e.floor, e.referral < fys ? fys : e.referral + 1});
        e.closure = rng_.Between(lo, fye);
      } else {
        const int32_t hi = std::min(e.cap, NextReferral(e) - 1);
        e.closure = fye + rng_.Between(1, std::min(hi - fye, rng_.Between(30, 900)));
      }
      if (e.kind == EpKind::kNfa) e.nfa = false;
    }
    if (open() != kCinOpen[i]) return Fail(absl::StrCat("cin_open_year_end ", fy));
  }
}


}  // namespace carestat::synth
