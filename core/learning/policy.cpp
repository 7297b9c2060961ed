#include "core/learning/policy.h"

#include "core/learning/mlp.h"

#include <Eigen/Core>

#include <cstddef>
#include <utility>
#include <vector>

namespace coinfer {

namespace {

const char* activationName(Activation activation)
{
    switch (activation) {
    case Activation::Relu:
        return "relu";
    case Activation::Tanh:
        return "tanh";
    case Activation::Sigmoid:
        return "sigmoid";
    case Activation::Linear:
        break;
    }
    return "linear";
}

Activation activationFromName(const std::string& name)
{
    if (name == "relu")
        return Activation::Relu;
    if (name == "tanh")
        return Activation::Tanh;
    if (name == "sigmoid")
        return Activation::Sigmoid;
    return Activation::Linear;
}

} // namespace

PolicyFile toPolicyFile(const DdpgPolicy& policy)
{
    PolicyFile file;
    file.planner = policy.planner;
    file.training = {policy.scenarioName, policy.episodes, policy.seed, policy.evaluationEnergyPerTaskMj,
                     policy.evaluationMisses};
    const Mlp& actor = policy.actor.network();
    const Eigen::VectorXd all = actor.parameters();
    const double* at = all.data();
    for (size_t l = 0; l + 1 < actor.sizes().size(); ++l) {
        PolicyLayer layer;
        layer.inputs = actor.sizes()[l];
        layer.outputs = actor.sizes()[l + 1];
        layer.activation = activationName(actor.activations()[l]);
        const long long weights = static_cast<long long>(layer.inputs) * layer.outputs;
        layer.weightsColumnMajor.assign(at, at + weights);
        at += weights;
        layer.bias.assign(at, at + layer.outputs);
        at += layer.outputs;
        file.actor.push_back(std::move(layer));
    }
    return file;
}

DdpgPolicy fromPolicyFile(const PolicyFile& file)
{
    std::vector<int> sizes{file.actor.front().inputs};
    std::vector<Activation> activations;
    std::vector<double> parameters;
    for (const PolicyLayer& layer : file.actor) {
        sizes.push_back(layer.outputs);
        activations.push_back(activationFromName(layer.activation));
        parameters.insert(parameters.end(), layer.weightsColumnMajor.begin(), layer.weightsColumnMajor.end());
        parameters.insert(parameters.end(), layer.bias.begin(), layer.bias.end());
    }
    DdpgPolicy policy;
    Mlp actor(sizes, activations, 0);
    actor.setParameters(Eigen::Map<const Eigen::VectorXd>(parameters.data(), static_cast<Eigen::Index>(parameters.size())));
    policy.actor = std::move(actor);
    policy.planner = file.planner;
    policy.scenarioName = file.training.scenarioName;
    policy.episodes = file.training.bestEpisode;
    policy.seed = file.training.seed;
    policy.evaluationEnergyPerTaskMj = file.training.evaluationEnergyPerTaskMj;
    policy.evaluationMisses = file.training.evaluationMisses;
    return policy;
}

std::string policyToJson(const DdpgPolicy& policy)
{
    return policyFileToJson(toPolicyFile(policy));
}

Expected<DdpgPolicy> parsePolicy(std::string_view text, const std::string& sourceName)
{
    return parsePolicyFile(text, sourceName).transform(fromPolicyFile);
}

Expected<DdpgPolicy> readPolicy(const std::string& path)
{
    return readPolicyFile(path).transform(fromPolicyFile);
}

} // namespace coinfer
