#include "core/io/scenariovariant.h"

#include "core/io/jsonfields.h"

#include <nlohmann/json.hpp>

namespace coinfer {
namespace {

/// Multiplies the number at @p object[key] by @p scale when it is there.
void scaleField(nlohmann::json& object, const char* key, double scale)
{
    if (!object.is_object())
        return;
    auto it = object.find(key);
    if (it != object.end() && it->is_number())
        *it = it->get<double>() * scale;
}

void scaleEachEntry(nlohmann::json& root, const char* arrayKey, const char* key, double scale)
{
    auto array = root.find(arrayKey);
    if (array == root.end() || !array->is_array())
        return;
    for (nlohmann::json& entry : *array)
        scaleField(entry, key, scale);
}

/// Fails naming @p sourceName when the edit needs a block the file lacks.
Expected<void> requireBlock(const nlohmann::json& root, const char* block, const std::string& sourceName, const char* what)
{
    if (root.is_object() && root.contains(block) && root.at(block).is_object())
        return {};
    return Unexpected(
        Error{ErrorCode::BadInput, sourceName + ": " + what + " needs a \"" + block + "\" block, which the file lacks"});
}

Expected<void> applyEdits(nlohmann::json& root, const std::string& sourceName, const ScenarioFileEdits& edits)
{
    if (edits.populationCount || edits.populationSeed)
        if (Expected<void> ok = requireBlock(root, "population", sourceName, "changing the population"); !ok)
            return ok;
    if (edits.populationCount)
        root["population"]["count"] = *edits.populationCount;
    if (edits.populationSeed)
        root["population"]["seed"] = *edits.populationSeed;
    if (edits.bandwidthMhz) {
        if (Expected<void> ok = requireBlock(root, "channel", sourceName, "changing the bandwidth"); !ok)
            return ok;
        root["channel"]["bandwidth_mhz"] = *edits.bandwidthMhz;
    }
    if (edits.txPowerScale != 1) {
        scaleEachEntry(root, "device_classes", "tx_power_w", edits.txPowerScale);
        scaleEachEntry(root, "users", "tx_power_w", edits.txPowerScale);
    }
    return {};
}

} // namespace

Expected<PopulationFacts> readPopulationFacts(std::string_view text, const std::string& sourceName)
{
    nlohmann::json root;
    std::string problem;
    if (!detail::parseDocument(text, root, problem))
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + problem});
    PopulationFacts facts;
    if (!root.is_object() || !root.contains("population") || !root.at("population").is_object())
        return facts;
    const nlohmann::json& population = root.at("population");
    facts.present = true;
    if (population.contains("count") && population.at("count").is_number_integer())
        facts.count = population.at("count").get<long long>();
    if (population.contains("seed") && population.at("seed").is_number_integer())
        facts.seed = population.at("seed").get<std::uint64_t>();
    return facts;
}

Expected<std::string> editScenarioText(std::string_view text, const std::string& sourceName, const ScenarioFileEdits& edits)
{
    if (edits.empty())
        return std::string(text);
    nlohmann::json root;
    std::string problem;
    if (!detail::parseDocument(text, root, problem))
        return Unexpected(Error{ErrorCode::BadInput, sourceName + ": " + problem});
    return applyEdits(root, sourceName, edits).transform([&] { return root.dump(); });
}

Expected<Scenario> parseEditedScenario(std::string_view text, const std::string& sourceName, const ScenarioFileEdits& edits,
                                       const ScenarioLimits& limits)
{
    if (edits.empty())
        return parseScenario(text, sourceName, limits);
    return editScenarioText(text, sourceName, edits).and_then([&](const std::string& edited) {
        return parseScenario(edited, sourceName, limits);
    });
}

} // namespace coinfer
