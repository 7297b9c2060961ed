#include "core/learning/actor.h"

#include "core/learning/mlp.h"

#include <Eigen/Core>

#include <utility>

namespace coinfer {

Actor::Actor(Mlp network) : m_network(std::make_shared<const Mlp>(std::move(network)))
{
}

const std::vector<int>& Actor::sizes() const
{
    static const std::vector<int> none;
    return m_network ? m_network->sizes() : none;
}

int Actor::inputSize() const
{
    return sizes().empty() ? 0 : sizes().front();
}

int Actor::outputSize() const
{
    return sizes().empty() ? 0 : sizes().back();
}

double Actor::threshold(const OnlineObservation& observation) const
{
    if (!m_network)
        return 0;
    return m_network->predict(Eigen::Map<const Eigen::VectorXd>(observation.features, OnlineObservation::kFeatures))(0, 0);
}

} // namespace coinfer
