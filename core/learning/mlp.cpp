#include "core/learning/mlp.h"

#include "core/util/random.h"

#include <cmath>
#include <cstddef>
#include <utility>

namespace coinfer {
namespace {

Eigen::MatrixXd activate(Activation activation, const Eigen::MatrixXd& z)
{
    switch (activation) {
    case Activation::Relu:
        return z.cwiseMax(0.0);
    case Activation::Tanh:
        return z.array().tanh().matrix();
    case Activation::Sigmoid:
        return (1.0 / (1.0 + (-z.array()).exp())).matrix();
    case Activation::Linear:
        break;
    }
    return z;
}

/// d(activation)/dz expressed through the activation's output y (and z for ReLU).
Eigen::MatrixXd derivative(Activation activation, const Eigen::MatrixXd& y)
{
    switch (activation) {
    case Activation::Relu:
        return (y.array() > 0.0).cast<double>().matrix();
    case Activation::Tanh:
        return (1.0 - y.array().square()).matrix();
    case Activation::Sigmoid:
        return (y.array() * (1.0 - y.array())).matrix();
    case Activation::Linear:
        break;
    }
    return Eigen::MatrixXd::Ones(y.rows(), y.cols());
}

} // namespace

Mlp::Mlp(std::vector<int> sizes, std::vector<Activation> activations, std::uint64_t seed, double finalScale)
    : m_sizes(std::move(sizes)), m_activations(std::move(activations))
{
    SeededRandom random(seed);
    for (size_t l = 0; l + 1 < m_sizes.size(); ++l) {
        const double bound = l + 2 == m_sizes.size() ? finalScale : 1.0 / std::sqrt(static_cast<double>(m_sizes[l]));
        Eigen::MatrixXd w(m_sizes[l + 1], m_sizes[l]);
        for (Eigen::Index i = 0; i < w.size(); ++i)
            w.data()[i] = (2 * random.uniform() - 1) * bound;
        Eigen::VectorXd b(m_sizes[l + 1]);
        for (Eigen::Index i = 0; i < b.size(); ++i)
            b[i] = (2 * random.uniform() - 1) * bound;
        m_weights.push_back(w);
        m_biases.push_back(b);
        m_weightGradients.push_back(Eigen::MatrixXd::Zero(w.rows(), w.cols()));
        m_biasGradients.push_back(Eigen::VectorXd::Zero(b.size()));
    }
}

Eigen::MatrixXd Mlp::forward(const Eigen::MatrixXd& input)
{
    m_inputs.clear();
    m_outputs.clear();
    Eigen::MatrixXd x = input;
    for (size_t l = 0; l < m_weights.size(); ++l) {
        m_inputs.push_back(x);
        x = activate(m_activations[l], (m_weights[l] * x).colwise() + m_biases[l]);
        m_outputs.push_back(x);
    }
    return x;
}

Eigen::MatrixXd Mlp::predict(const Eigen::MatrixXd& input) const
{
    Eigen::MatrixXd x = input;
    for (size_t l = 0; l < m_weights.size(); ++l)
        x = activate(m_activations[l], (m_weights[l] * x).colwise() + m_biases[l]);
    return x;
}

Eigen::MatrixXd Mlp::backward(const Eigen::MatrixXd& outputGradient)
{
    Eigen::MatrixXd gradient = outputGradient;
    for (size_t l = m_weights.size(); l-- > 0;) {
        const Eigen::MatrixXd dz = gradient.cwiseProduct(derivative(m_activations[l], m_outputs[l]));
        m_weightGradients[l] += dz * m_inputs[l].transpose();
        m_biasGradients[l] += dz.rowwise().sum();
        gradient = m_weights[l].transpose() * dz;
    }
    return gradient;
}

void Mlp::zeroGradient()
{
    for (auto& g : m_weightGradients)
        g.setZero();
    for (auto& g : m_biasGradients)
        g.setZero();
}

int Mlp::parameterCount() const
{
    Eigen::Index count = 0;
    for (size_t l = 0; l < m_weights.size(); ++l)
        count += m_weights[l].size() + m_biases[l].size();
    return static_cast<int>(count);
}

Eigen::VectorXd Mlp::parameters() const
{
    Eigen::VectorXd all(parameterCount());
    Eigen::Index at = 0;
    for (size_t l = 0; l < m_weights.size(); ++l) {
        all.segment(at, m_weights[l].size()) = Eigen::Map<const Eigen::VectorXd>(m_weights[l].data(), m_weights[l].size());
        at += m_weights[l].size();
        all.segment(at, m_biases[l].size()) = m_biases[l];
        at += m_biases[l].size();
    }
    return all;
}

void Mlp::setParameters(const Eigen::VectorXd& parameters)
{
    Eigen::Index at = 0;
    for (size_t l = 0; l < m_weights.size(); ++l) {
        Eigen::Map<Eigen::VectorXd>(m_weights[l].data(), m_weights[l].size()) = parameters.segment(at, m_weights[l].size());
        at += m_weights[l].size();
        m_biases[l] = parameters.segment(at, m_biases[l].size());
        at += m_biases[l].size();
    }
}

Eigen::VectorXd Mlp::gradient() const
{
    Eigen::VectorXd all(parameterCount());
    Eigen::Index at = 0;
    for (size_t l = 0; l < m_weights.size(); ++l) {
        all.segment(at, m_weightGradients[l].size()) =
            Eigen::Map<const Eigen::VectorXd>(m_weightGradients[l].data(), m_weightGradients[l].size());
        at += m_weightGradients[l].size();
        all.segment(at, m_biasGradients[l].size()) = m_biasGradients[l];
        at += m_biasGradients[l].size();
    }
    return all;
}

void Mlp::softUpdate(const Mlp& source, double tau)
{
    for (size_t l = 0; l < m_weights.size(); ++l) {
        m_weights[l] = tau * source.m_weights[l] + (1 - tau) * m_weights[l];
        m_biases[l] = tau * source.m_biases[l] + (1 - tau) * m_biases[l];
    }
}

Adam::Adam(int parameterCount, double learningRate, double beta1, double beta2, double epsilon)
    : m_learningRate(learningRate)
    , m_beta1(beta1)
    , m_beta2(beta2)
    , m_epsilon(epsilon)
    , m_first(Eigen::VectorXd::Zero(parameterCount))
    , m_second(Eigen::VectorXd::Zero(parameterCount))
{
}

Eigen::VectorXd Adam::step(const Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient)
{
    ++m_steps;
    m_first = m_beta1 * m_first + (1 - m_beta1) * gradient;
    m_second = m_beta2 * m_second + (1 - m_beta2) * gradient.cwiseProduct(gradient);
    const double correction1 = 1 - std::pow(m_beta1, static_cast<double>(m_steps));
    const double correction2 = 1 - std::pow(m_beta2, static_cast<double>(m_steps));
    const Eigen::VectorXd update = (m_first / correction1).array() / ((m_second / correction2).array().sqrt() + m_epsilon);
    return parameters - m_learningRate * update;
}

} // namespace coinfer
