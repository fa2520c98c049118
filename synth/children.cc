// The borough's children: who they are, where they live and are placed.
#include "synth/model.h"

#include <cstdio>

namespace carestat::synth {

int32_t Borough::AddStoryChild(int32_t dob) {
  Child c;
  c.dob = dob;
  c.eighteenth = EighteenthBirthday(dob);
  c.male = rng_.PerMille(510);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  c.story = true;
  c.home_post = Postcode(rng_.PerMille(850));
  children_.push_back(std::move(c));
  return static_cast<int32_t>(children_.size() - 1);
}

// A date of birth making the child `age` (completed years) on `on`, and born before it.
int32_t Borough::DobForAge(int32_t on, int age) {
  const int32_t lo = ShiftYears(on, -(age + 1)) + 1;
  const int32_t hi = std::min(ShiftYears(on, -age), on - 1);
  int32_t dob = rng_.Between(lo, std::max(lo, hi));
  while (AgeOn(dob, on) > age) ++dob;
  while (dob >= on || AgeOn(dob, on) < age) --dob;
  return dob;
}

std::string Borough::Postcode(bool in_borough) {
  const char* district = in_borough ? kBoroughDistricts[rng_.Below(std::size(kBoroughDistricts))]
                                    : kOtherDistricts[rng_.Below(std::size(kOtherDistricts))];
  std::string out = absl::StrCat(district, " ", rng_.Between(1, 9));
  out += kInwardLetters[rng_.Below(sizeof kInwardLetters - 1)];
  out += kInwardLetters[rng_.Below(sizeof kInwardLetters - 1)];
  return out;
}

// A placement for a child of `age`: foster care for most, children's homes and
// residential schools for some teenagers, semi-independence from 16.
Placement Borough::PlaceFor(int age) {
  Placement p;
  auto foster_provider = [&] {
    switch (rng_.Weighted(std::array<int, 3>{450, 450, 100})) {
      case 0: return "PR1";
      case 1: return "PR4";
      default: return "PR5";
    }
  };
  int kind;
  if (age < 10) {
    kind = rng_.Weighted(std::array<int, 6>{720, 130, 110, 40, 0, 0});
  } else if (age < 16) {
    kind = rng_.Weighted(std::array<int, 6>{350, 60, 250, 280, 60, 0});
  } else {
    kind = rng_.Weighted(std::array<int, 6>{100, 0, 200, 150, 0, 550});
  }
  bool near = rng_.PerMille(420);
  switch (kind) {
    case 0: p.place = "U6"; p.provider = foster_provider(); break;
    case 1: p.place = "U3"; p.provider = "PR1"; near = rng_.PerMille(600); break;
    case 2: p.place = "U4"; p.provider = foster_provider(); break;
    case 3:
      p.place = "K2";
      p.provider = rng_.PerMille(800) ? "PR4" : "PR1";
      near = rng_.PerMille(200);
      break;
    case 4: p.place = "S1"; p.provider = rng_.PerMille(600) ? "PR5" : "PR4"; near = false; break;
    default:
      if (rng_.PerMille(700)) {
        p.place = "H5";
        p.provider = rng_.PerMille(600) ? "PR4" : "PR5";
      } else {
        p.place = "P2";
        p.provider = "PR4";  // PR0 (parents) goes with P1 only (rule 550)
      }
      near = rng_.PerMille(450);
      break;
  }
  p.post = Postcode(near);
  return p;
}

// Where a child taken into police protection goes that night.
Placement Borough::EmergencyPlacement() {
  Placement p;
  const int k = rng_.Weighted(std::array<int, 3>{600, 200, 200});
  p.place = k == 1 ? "K2" : "U6";
  p.provider = k == 2 ? "PR4" : "PR1";
  p.post = Postcode(rng_.PerMille(600));
  return p;
}

// A child aged 0-17 on `last`, born before `first`. REQUIRES: first <= last.
int32_t Borough::NewChild(int32_t first, int32_t last) {
  Child c;
  do {
    const int age = rng_.Weighted(kAgeWeights);
    const int32_t lo = ShiftYears(first, -(age + 1)) + 1;
    const int32_t hi = age == 0 ? first - 1 : ShiftYears(first, -age);
    c.dob = rng_.Between(lo, hi);
    c.eighteenth = EighteenthBirthday(c.dob);
    // A 17-year-old first seen days before the referral may turn 18 in between.
  } while (!c.AgedUnder18On(first) || !c.AgedUnder18On(last));
  c.male = rng_.PerMille(520);
  c.ethnicity = static_cast<uint8_t>(rng_.Weighted(kEthnicityWeights));
  children_.push_back(std::move(c));
  const int32_t id = static_cast<int32_t>(children_.size() - 1);
  known_.push_back(id);
  return id;
}


}  // namespace carestat::synth
