// Must not compile: only core/io includes nlohmann-json.
#include "core/planning/planner.h"
#include <nlohmann/json.hpp>
