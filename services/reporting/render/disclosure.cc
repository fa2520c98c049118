#include "services/reporting/render/disclosure.h"

#include <functional>
#include <map>
#include <vector>

#include "carestat/v1/reporting.pb.h"
#include "services/reporting/format.h"
#include "services/reporting/reports/series.h"

namespace carestat {

namespace {

namespace pb = google::protobuf;

// Every v1::Cell in a message tree.
void CollectCells(pb::Message* m, std::vector<v1::Cell*>* out) {
  if (auto* cell = dynamic_cast<v1::Cell*>(m)) {
    out->push_back(cell);
    return;
  }
  const pb::Reflection* r = m->GetReflection();
  std::vector<const pb::FieldDescriptor*> fields;
  r->ListFields(*m, &fields);
  for (const auto* f : fields) {
    if (f->cpp_type() != pb::FieldDescriptor::CPPTYPE_MESSAGE || f->is_map()) continue;
    if (f->is_repeated()) {
      for (int i = 0; i < r->FieldSize(*m, f); ++i) CollectCells(r->MutableRepeatedMessage(m, f, i), out);
    } else {
      CollectCells(r->MutableMessage(m, f), out);
    }
  }
}

struct Figure {
  bool has_value = false;
  double value = 0;
  bool has_numerator = false;
  double numerator = 0;
  std::string unit;
  std::string indicator, breakdown;
  int year = 0;
};

bool Small(double v) { return v >= 1 && v <= 5; }

const std::map<std::string, std::string>& NumeratorIndicator() {
  static const std::map<std::string, std::string> kMap = {
      {"referral_rate", "referrals"},
      {"cin_rate", "cin_open_year_end"},
      {"s47_rate", "s47_enquiries"},
      {"cpp_rate", "cpp_year_end"},
      {"lac_rate", "lac_year_end"},
      {"lac_police_protection_pct", "lac_police_protection_started"},
      {"contact_conversion_pct", "referrals"},
  };
  return kMap;
}

}  // namespace

std::set<std::string> ApplyDisclosureControl(pb::Message* report) {
  std::vector<v1::Cell*> cells;
  CollectCells(report, &cells);

  // One entry per ref: a figure shown in a table, a chart and a fact is one figure.
  std::map<std::string, Figure> figures;
  for (const v1::Cell* c : cells) {
    if (c->ref().empty()) continue;
    Figure& f = figures[c->ref()];
    if (f.unit.empty()) {
      if (!ParseCellRef(c->ref(), &f.indicator, &f.breakdown, &f.year)) f.indicator = c->ref();
      f.unit = c->unit();
    }
    if (!f.has_value && c->has_value()) {
      f.has_value = true;
      f.value = c->value();
    }
    if (!f.has_numerator && c->has_numerator()) {
      f.has_numerator = true;
      f.numerator = c->numerator();
    }
  }

  std::set<std::string> suppressed;
  // 1 and 2: primary suppression.
  for (const auto& [ref, f] : figures) {
    if (!f.has_value) continue;
    const bool ratio = IsPercentUnit(f.unit) || IsRateUnit(f.unit);
    if ((f.unit == "count" && Small(f.value)) || (ratio && f.has_numerator && Small(f.numerator)))
      suppressed.insert(ref);
  }

  // Groups for secondary suppression: members' refs.
  std::vector<std::vector<std::string>> groups;
  {
    std::map<std::pair<std::string, int>, std::vector<std::string>> families;
    for (const auto& [ref, f] : figures) {
      if ((f.indicator == "cpp_category_pct" || f.indicator == "lac_ethnicity_pct") && !f.breakdown.empty())
        families[{f.indicator, f.year}].push_back(ref);
    }
    for (auto& [k, members] : families) {
      if (members.size() >= 2) groups.push_back(members);
    }
    std::set<int> years;
    for (const auto& [ref, f] : figures) years.insert(f.year);
    for (const char* family : {"cpp", "lac"}) {
      for (int y : years) {
        const std::string p = family;
        std::vector<std::string> g = {CellRef(p + "_year_end", "", y - 1), CellRef(p + "_started", "", y),
                                      CellRef(p + "_ceased", "", y), CellRef(p + "_year_end", "", y)};
        bool all = true;
        for (const auto& ref : g) all = all && figures.count(ref) > 0;
        if (all) groups.push_back(g);
      }
    }
  }

  for (bool changed = true; changed;) {
    changed = false;
    // 2: a rate of a suppressed count.
    for (const auto& [ref, f] : figures) {
      if (suppressed.count(ref) || !f.has_value) continue;
      auto num = NumeratorIndicator().find(f.indicator);
      if (num == NumeratorIndicator().end()) continue;
      if (suppressed.count(CellRef(num->second, f.breakdown, f.year))) {
        suppressed.insert(ref);
        changed = true;
      }
    }
    // 3: secondary suppression.
    for (const auto& g : groups) {
      int hidden = 0;
      bool complete = true;
      for (const auto& ref : g) {
        if (suppressed.count(ref)) ++hidden;
        else if (!figures[ref].has_value) complete = false;
      }
      if (hidden != 1 || !complete) continue;
      const std::string* next = nullptr;
      auto size = [&](const std::string& ref) {
        const Figure& f = figures[ref];
        return f.has_numerator ? f.numerator : f.value;
      };
      for (const auto& ref : g) {
        if (suppressed.count(ref)) continue;
        if (!next || size(ref) < size(*next)) next = &ref;
      }
      if (next) {
        suppressed.insert(*next);
        changed = true;
      }
    }
  }

  // 4 and the clearing of every cell.
  for (v1::Cell* c : cells) {
    bool hide = suppressed.count(c->ref()) > 0;
    for (const auto& d : c->derived_from()) hide = hide || suppressed.count(d) > 0;
    c->set_has_numerator(false);
    c->set_numerator(0);
    c->set_denominator(0);
    if (hide) {
      c->set_suppressed(true);
      c->set_has_value(false);
      c->set_value(0);
    }
  }
  return suppressed;
}

}  // namespace carestat
