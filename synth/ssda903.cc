// The SSDA903 return's tables (header, episodes, OC3, AD1, PlacedAdoption) as exported
// on 31 March of each year.
#include "synth/model.h"

#include <cstdio>

namespace carestat::synth {

bool Borough::InReturn(const Period& p, int fy) const { return p.start <= Fye(fy) && p.end >= Fys(fy); }

bool Borough::InPlacedAdoption(const Period& p, int fy) const {
  if (p.decision == kNone || p.decision > Fye(fy) || !InReturn(p, fy)) return false;
  return p.decision_ceased == kNone || p.decision_ceased >= Fys(fy);
}

std::vector<int32_t> Borough::Ssda903Children(int fy) const {
  std::vector<int32_t> out;
  for (const Period& p : periods_) {
    if (InReturn(p, fy)) out.push_back(p.child);
  }
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) out.push_back(r.child);
  }
  std::sort(out.begin(), out.end());
  out.erase(std::unique(out.begin(), out.end()), out.end());
  return out;
}

namespace {

// A Unique Pupil Number as a school in LA `la` (three digits) gives one: a check letter,
// the LA, an establishment number, the year of allocation and a serial. The child's id
// fills the establishment and serial, so no two children of an LA share one.
std::string Upn(const std::string& la, int32_t child, int32_t dob) {
  int y, m, d;
  CivilFromDays(Birthday(dob, 4), &y, &m, &d);
  char digits[32];
  std::snprintf(digits, sizeof digits, "%.3s%04d%02d%03d", la.c_str(), 2000 + child / 1000 % 8000, y % 100,
                child % 1000);
  int sum = 0;
  for (int i = 0; i < 12; ++i) sum += (digits[i] - '0') * (i + 2);
  return std::string(1, "ABCDEFGHJKLMNPQRTUVWXYZ"[sum % 23]) + digits;
}

}  // namespace

// UPN: a child of school age (4 by the 31 August before the year, rule 209) has a UPN;
// a younger child has none yet (UN1). Once given, a UPN stays (rule 208). MOTHER (0: not
// a mother) is given for a girl looked after in the year (rules 165, 393, 607), not for
// one who is only on short breaks (rule 399) or only a care leaver (rule 165).
std::string Borough::HeaderCsv(int fy) const {
  std::string out = "CHILD,SEX,DOB,ETHNIC,UPN,MOTHER,MC_DOB\n";
  const bool letters = fy + 1 + year_shift_ >= kSexLettersFromCy;
  const int32_t school_from = DayNumber(fy - 1, 8, 31);
  for (int32_t id : Ssda903Children(fy)) {
    const Child& c = children_[id];
    bool looked_after = false;
    for (int32_t pid : c.periods) looked_after = looked_after || (!periods_[pid].ShortBreak() && InReturn(periods_[pid], fy));
    const std::string upn = Birthday(c.dob, 4) <= school_from ? Upn(la_, id, c.dob) : "UN1";
    absl::StrAppend(&out, ChildId(id), ",", c.male ? (letters ? "M" : "1") : (letters ? "F" : "2"), ",", FormatUkDate(c.dob), ",",
                    kEthnicities[c.ethnicity], ",", upn, ",", !c.male && looked_after ? "0" : "", ",\n");
  }
  return out;
}

std::string Borough::EpisodesCsv(int fy) const {
  const int32_t fys = Fys(fy), fye = Fye(fy);
  std::string out = "CHILD,DECOM,RNE,LS,CIN,PLACE,PLACE_PROVIDER,DEC,REC,REASON_PLACE_CHANGE,HOME_POST,PL_POST,URN\n";
  const int cy = fy + 1 + year_shift_;
  const bool no_h5_p2 = cy >= kNoH5P2FromCy;
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    const Child& c = children_[id];
    for (int32_t pid : c.periods) {
      const Period& p = periods_[pid];
      if (!InReturn(p, fy)) continue;
      for (const CareEpisode& e : EpisodesOf(p)) {
        if (e.start > fye || e.end < fys) continue;
        const bool ended = e.end <= fye;
        std::string place = e.placement->place;
        const char* provider = e.placement->provider;
        if (no_h5_p2 && (place == "H5" || place == "P2")) place = "K3";
        // P2 (independent living) ended on 28 October 2023 (rule 217t): a placement running
        // past it is written as H5, from that day supported accommodation.
        if (place == "P2" && cy >= 2024 && e.end >= DayNumber(2023 - year_shift_, 10, 28)) place = "H5";
        // Short breaks (V3, V4) give no home or placement postcode (rules 214, 398).
        const bool respite = p.ShortBreak();
        absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(e.start), ",", std::string(1, e.rne), ",", e.ls, ",",
                        p.need, ",", place, ",", provider ? provider : "", ",",
                        ended ? FormatUkDate(e.end) : "", ",", ended ? e.rec : "", ",",
                        ended && e.reason ? e.reason : "", ",", respite ? "" : c.home_post, ",",
                        respite ? "" : e.placement->post, ",\n");
      }
    }
  }
  return out;
}

std::string Borough::Oc3Csv(int fy) const {
  std::string out = "CHILD,DOB,IN_TOUCH,ACTIV,ACCOM\n";
  std::vector<const CareLeaverRow*> rows;
  for (const CareLeaverRow& r : leaver_rows_) {
    if (r.fy == fy) rows.push_back(&r);
  }
  std::sort(rows.begin(), rows.end(), [](const CareLeaverRow* a, const CareLeaverRow* b) { return a->child < b->child; });
  for (const CareLeaverRow* r : rows) {
    absl::StrAppend(&out, ChildId(r->child), ",", FormatUkDate(children_[r->child].dob), ",", r->in_touch, ",",
                    r->activity, ",", r->accommodation, "\n");
  }
  return out;
}

std::string Borough::Ad1Csv(int fy) const {
  std::string out = "CHILD,DOB,DATE_INT,DATE_MATCH,FOSTER_CARE,NB_ADOPTR,SEX_ADOPTR,LS_ADOPTR\n";
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (p.kind != Kind::kAdoption || p.end == kNever || FinancialYearOf(p.end) != fy) continue;
      absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(children_[id].dob), ",", FormatUkDate(p.decision), ",",
                      FormatUkDate(p.match), ",", p.with_foster_carer ? "1" : "0", ",", p.adopters, ",",
                      p.adopter_sex, ",", p.adopter_ls, "\n");
    }
  }
  return out;
}

std::string Borough::PlacedAdoptionCsv(int fy) const {
  const int32_t fye = Fye(fy);
  std::string out = "CHILD,DOB,DATE_PLACED,DATE_PLACED_CEASED,REASON_PLACED_CEASED\n";
  for (int32_t id = 0; id < static_cast<int32_t>(children_.size()); ++id) {
    for (int32_t pid : children_[id].periods) {
      const Period& p = periods_[pid];
      if (!InPlacedAdoption(p, fy)) continue;
      const bool ceased = p.decision_ceased != kNone && p.decision_ceased <= fye;
      absl::StrAppend(&out, ChildId(id), ",", FormatUkDate(children_[id].dob), ",", FormatUkDate(p.decision), ",",
                      ceased ? FormatUkDate(p.decision_ceased) : "", ",", ceased ? p.ceased_reason : "", "\n");
    }
  }
  return out;
}

}  // namespace carestat::synth
