#include "core/io/policyio.h"

#include "core/io/fileio.h"
#include "core/io/jsonfields.h"

#include <nlohmann/json.hpp>

#include <cstddef>
#include <optional>

namespace coinfer {

using detail::Field;
using nlohmann::json;

std::string policyFileToJson(const PolicyFile& policy)
{
    json layers = json::array();
    for (const PolicyLayer& layer : policy.actor)
        layers.push_back({{"inputs", layer.inputs},
                          {"outputs", layer.outputs},
                          {"activation", layer.activation},
                          {"weights_column_major", layer.weightsColumnMajor},
                          {"bias", layer.bias}});
    const PolicyTraining& training = policy.training;
    const json document = {{"format", "coinfer-policy"},
                           {"version", 1},
                           {"kind", "ddpg-dispatch-threshold"},
                           {"planner", onlinePlannerName(policy.planner)},
                           {"state_features", OnlineObservation::kFeatures},
                           {"actor", layers},
                           {"training",
                            {{"scenario", training.scenarioName},
                             {"best_episode", training.bestEpisode},
                             {"seed", training.seed},
                             {"evaluation_energy_per_task_mj", training.evaluationEnergyPerTaskMj},
                             {"evaluation_misses", training.evaluationMisses}}}};
    return document.dump(1) + "\n";
}

namespace {

std::vector<double> readNumbers(const Field& array, size_t count, const std::string& what)
{
    if (array.arraySize() != count)
        array.fail("must have " + (what.empty() ? std::string() : what + " = ") + std::to_string(count) + " numbers, not " +
                   std::to_string(array.arraySize()));
    std::vector<double> numbers;
    numbers.reserve(count);
    for (size_t i = 0; i < count; ++i)
        numbers.push_back(array.at(i).number());
    return numbers;
}

PolicyLayer readLayer(const Field& layer, size_t index, int previousOutputs)
{
    PolicyLayer result;
    result.inputs = static_cast<int>(layer.at("inputs").integer(1, 100'000));
    result.outputs = static_cast<int>(layer.at("outputs").integer(1, 100'000));
    if (index == 0 && result.inputs != OnlineObservation::kFeatures)
        layer.at("inputs").fail("must be " + std::to_string(OnlineObservation::kFeatures) + " (the state features)");
    if (index > 0 && result.inputs != previousOutputs)
        layer.at("inputs").fail("is " + std::to_string(result.inputs) + ", but the layer before has " +
                                std::to_string(previousOutputs) + " outputs");
    result.activation = layer.at("activation").string();
    if (result.activation != "linear" && result.activation != "relu" && result.activation != "tanh" &&
        result.activation != "sigmoid")
        layer.at("activation").fail("unknown activation \"" + result.activation + "\"");
    const auto weights = static_cast<size_t>(static_cast<long long>(result.inputs) * result.outputs);
    result.weightsColumnMajor = readNumbers(layer.at("weights_column_major"), weights, "inputs x outputs");
    result.bias = readNumbers(layer.at("bias"), static_cast<size_t>(result.outputs), "");
    return result;
}

PolicyTraining readTraining(const Field& training)
{
    PolicyTraining result;
    if (training.has("scenario"))
        result.scenarioName = training.at("scenario").string();
    if (training.has("best_episode"))
        result.bestEpisode = static_cast<int>(training.at("best_episode").integer(0, 1'000'000'000));
    if (training.has("seed"))
        result.seed = static_cast<std::uint64_t>(training.at("seed").integer(0, 9'007'199'254'740'992LL));
    if (training.has("evaluation_energy_per_task_mj"))
        result.evaluationEnergyPerTaskMj = training.at("evaluation_energy_per_task_mj").number();
    if (training.has("evaluation_misses"))
        result.evaluationMisses = static_cast<int>(training.at("evaluation_misses").integer(0, 1'000'000'000));
    return result;
}

PolicyFile readPolicyJson(const Field& root)
{
    detail::requireFormat(root, "coinfer-policy");
    PolicyFile policy;
    const std::string planner = root.at("planner").string();
    if (planner != "og" && planner != "ip-ssa")
        root.at("planner").fail("must be \"og\" or \"ip-ssa\", not \"" + planner + "\"");
    policy.planner = planner == "og" ? OnlinePlanner::Og : OnlinePlanner::IpSsa;
    const long long features = root.at("state_features").integer(1, 1'000'000);
    if (features != OnlineObservation::kFeatures)
        root.at("state_features")
            .fail("is " + std::to_string(features) + ", but this build observes " + std::to_string(OnlineObservation::kFeatures) +
                  " features");
    const Field layers = root.at("actor");
    const size_t count = layers.arraySize();
    for (size_t l = 0; l < count; ++l)
        policy.actor.push_back(readLayer(layers.at(l), l, l == 0 ? 0 : policy.actor.back().outputs));
    if (policy.actor.back().outputs != 1)
        layers.fail("the last layer must have 1 output (the dispatch threshold), not " +
                    std::to_string(policy.actor.back().outputs));
    if (auto training = root.find("training"))
        policy.training = readTraining(*training);
    return policy;
}

} // namespace

Expected<PolicyFile> parsePolicyFile(std::string_view text, const std::string& sourceName)
{
    return detail::readDocument<PolicyFile>(text, sourceName, readPolicyJson);
}

Expected<PolicyFile> readPolicyFile(const std::string& path)
{
    return readTextFile(path).and_then([&](const std::string& text) { return parsePolicyFile(text, path); });
}

} // namespace coinfer
