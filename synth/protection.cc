// Child protection plans: open, started and ceased per year, and their categories.
#include "synth/model.h"

namespace carestat::synth {

int32_t Borough::PlanDuration() {
  switch (rng_.Weighted(std::array<int, 4>{300, 400, 250, 50})) {
    case 0: return rng_.Between(60, 180);
    case 1: return rng_.Between(181, 365);
    case 2: return rng_.Between(366, 730);
    default: return rng_.Between(731, 1200);
  }
}

void Borough::CategorisePlan(Plan& p) {
  p.initial = static_cast<uint8_t>(rng_.Weighted(kCategoryWeights));
  p.latest = rng_.PerMille(850) ? p.initial : static_cast<uint8_t>(rng_.Weighted(kCategoryWeights));
}

void Borough::AddOpenPlans(int count, int32_t window_start) {
  for (int n = 0; n < count; ++n) {
    Plan p;
    const int32_t dob = DobForAge(window_start - 1, std::min(14, rng_.Weighted(kPlanAgeWeights)));
    p.child = AddStoryChild(dob);
    const int32_t duration = PlanDuration();
    p.start = std::max(dob + 30, window_start - rng_.Between(1, duration - 1));
    p.end = std::min(p.start + duration, children_[p.child].eighteenth - 60);
    if (p.start >= window_start || p.end < window_start) {
      p.start = window_start - 1;
      p.end = window_start + rng_.Between(30, 300);
    }
    CategorisePlan(p);
    plans_.push_back(p);
    children_[p.child].plans.push_back(static_cast<int32_t>(plans_.size() - 1));
  }
}

void Borough::StartPlans(int fy, int count, const std::vector<int32_t>& ended) {
  for (int n = 0; n < count; ++n) {
    Plan p;
    // A weekday as written (SampleDay's draws, on cal_'s weekdays): the conference that
    // starts a plan is not held at a weekend (rule 8875).
    do {
      p.start = rng_.Between(Fys(fy), Fye(fy));
    } while (cal_.Weekend(p.start) && !rng_.PerMille(0));
    p.child = -1;
    if (!ended.empty() && rng_.PerMille(120)) {
      for (int attempt = 0; attempt < 8 && p.child < 0; ++attempt) {
        const int32_t c = ended[ended.size() - 1 - rng_.Below(std::min<uint64_t>(ended.size(), 600))];
        const Child& ch = children_[c];
        const Plan& last = plans_[ch.plans.back()];
        if (last.end == kNever || last.end + 150 > p.start || AgeOn(ch.dob, p.start) > 15) continue;
        p.child = c;
      }
    }
    if (p.child < 0) p.child = AddStoryChild(DobForAge(p.start, rng_.Weighted(kPlanAgeWeights)));
    Child& c = children_[p.child];
    if (!c.plans.empty()) {
      plans_[c.plans.back()].has_next = true;
      p.previous = static_cast<int32_t>(c.plans.size());
    }
    p.end = std::min(p.start + PlanDuration(), c.eighteenth - 60);
    CategorisePlan(p);
    plans_.push_back(p);
    c.plans.push_back(static_cast<int32_t>(plans_.size() - 1));
  }
}

void Borough::NoteEndedPlans(int fy, std::vector<int32_t>* ended) const {
  for (const Plan& p : plans_) {
    if (p.end >= Fys(fy) && p.end <= Fye(fy) && children_[p.child].plans.back() == &p - plans_.data()) {
      ended->push_back(p.child);
    }
  }
}

void Borough::BuildProtection() {
  AddOpenPlans(kCppInitial, kWindowStart);
  std::vector<int32_t> ended;  // children whose last plan ended in an earlier year
  for (int i = 0; i < kYears && status_.ok(); ++i) {
    const int fy = kFirstFy + i;
    StartPlans(fy, kCppStarted[i], ended);
    AdjustPlans(fy);
    NoteEndedPlans(fy, &ended);
  }
  if (status_.ok()) CalibrateCategories();
}

// Ends plans within the year, or moves their end past it, until the children on a plan
// on 31 March are the profile's; earlier year ends do not change.
void Borough::AdjustPlans(int fy) {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  auto open = [&] {
    int n = 0;
    for (const Plan& p : plans_) n += p.start <= fye && p.end > fye;
    return n;
  };
  int diff = open() - kCppYearEnd[fy - kFirstFy];
  std::vector<int32_t> c;
  for (size_t j = 0; j < plans_.size(); ++j) {
    const Plan& p = plans_[j];
    if (!p.flexible) continue;
    if (diff > 0 && p.end > fye && p.start + 30 <= fye) c.push_back(static_cast<int32_t>(j));
    if (diff < 0 && !p.has_next && p.end >= fys && p.end <= fye &&
        children_[p.child].eighteenth - 60 > fye + 1) {
      c.push_back(static_cast<int32_t>(j));
    }
  }
  rng_.Shuffle(c);
  if (static_cast<int>(c.size()) < std::abs(diff)) return Fail(absl::StrCat("cpp_year_end ", fy));
  for (int k = 0; k < std::abs(diff); ++k) {
    Plan& p = plans_[c[k]];
    if (diff > 0) {
      p.end = rng_.Between(std::max(p.start + 30, fys), fye);
    } else {
      p.end = fye + rng_.Between(1, std::min(children_[p.child].eighteenth - 60 - fye, rng_.Between(30, 500)));
    }
  }
  if (open() != kCppYearEnd[fy - kFirstFy]) Fail(absl::StrCat("cpp_year_end ", fy));
}

// cpp_category_pct{EMO} at the calibrated year ends, latest year first: a plan open at a
// later calibrated year end keeps the category that year gave it.
void Borough::CalibrateCategories() {
  std::vector<int> done;
  for (int i = kYears - 1; i >= 0; --i) {
    if (kCppEmoPct[i] < 0) continue;
    const int32_t s = Fye(kFirstFy + i);
    int open = 0, emo = 0;
    std::vector<int32_t> free;
    for (size_t j = 0; j < plans_.size(); ++j) {
      const Plan& p = plans_[j];
      if (p.start > s || p.end <= s) continue;
      ++open;
      emo += p.latest == kEmo;
      bool fixed = false;
      for (int later : done) fixed = fixed || (p.start <= Fye(later) && p.end > Fye(later));
      if (!fixed) free.push_back(static_cast<int32_t>(j));
    }
    const int target = CountForPct(kCppEmoPct[i], open);
    rng_.Shuffle(free);
    for (int32_t j : free) {
      Plan& p = plans_[j];
      if (emo > target && p.latest == kEmo) {
        p.latest = static_cast<uint8_t>(1 + rng_.Below(4));
        --emo;
      } else if (emo < target && p.latest != kEmo) {
        p.latest = kEmo;
        ++emo;
      }
    }
    if (emo != target) return Fail(absl::StrCat("cpp_category_pct{EMO} ", kFirstFy + i));
    done.push_back(kFirstFy + i);
  }
}


}  // namespace carestat::synth
