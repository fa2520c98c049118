// DfE rules (batch ssda903_rules_d): see model.h for how a rule is written and registered.
#include "services/ingestion/validation/model.h"

namespace carestat::validation {
namespace {

}  // namespace

void AddSsda903RulesD(std::vector<RuleDef>* defs) {}

}  // namespace carestat::validation
