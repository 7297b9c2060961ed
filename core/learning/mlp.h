#pragma once
// A small multilayer perceptron with backpropagation, and Adam: the networks of the DDPG agent.
// Double precision, column-major batches (one column per sample). Only Eigen/Core is included.

#include <Eigen/Core>

#include <cstdint>
#include <vector>

namespace coinfer {

enum class Activation { Linear, Relu, Tanh, Sigmoid };

/// Fully connected layers sizes[0] -> sizes[1] -> ... with one activation per layer.
class Mlp {
public:
    Mlp() = default;
    /// Weights drawn uniformly in +-1/sqrt(fan-in) from a seeded generator (same on every
    /// platform); the last layer's in +-finalScale. O(parameters).
    Mlp(std::vector<int> sizes, std::vector<Activation> activations, std::uint64_t seed, double finalScale = 3e-3);

    int inputSize() const { return m_sizes.front(); }
    int outputSize() const { return m_sizes.back(); }
    const std::vector<int>& sizes() const { return m_sizes; }
    const std::vector<Activation>& activations() const { return m_activations; }

    /// Output for a batch (inputSize x n); remembers what backward() needs. O(n * parameters).
    Eigen::MatrixXd forward(const Eigen::MatrixXd& input);
    /// Output without touching the remembered state (for targets and evaluation).
    Eigen::MatrixXd predict(const Eigen::MatrixXd& input) const;
    /// Given dL/d(output) for the last forward() batch, adds dL/d(parameters) to the gradient
    /// and returns dL/d(input). O(n * parameters).
    Eigen::MatrixXd backward(const Eigen::MatrixXd& outputGradient);

    void zeroGradient();
    /// All weights and biases in one vector (layer by layer, weights column-major, then bias).
    Eigen::VectorXd parameters() const;
    void setParameters(const Eigen::VectorXd& parameters);
    Eigen::VectorXd gradient() const;
    int parameterCount() const;

    /// this = tau * source + (1 - tau) * this (target networks). O(parameters).
    void softUpdate(const Mlp& source, double tau);

private:
    std::vector<int> m_sizes;
    std::vector<Activation> m_activations;
    std::vector<Eigen::MatrixXd> m_weights, m_weightGradients;
    std::vector<Eigen::VectorXd> m_biases, m_biasGradients;
    std::vector<Eigen::MatrixXd> m_inputs, m_outputs; // per layer, from the last forward()
};

/// Adam (Kingma and Ba 2015) over a parameter vector.
class Adam {
public:
    explicit Adam(int parameterCount = 0, double learningRate = 1e-3, double beta1 = 0.9, double beta2 = 0.999,
                  double epsilon = 1e-8);
    /// Returns the parameters after one step against the gradient. O(parameters).
    Eigen::VectorXd step(const Eigen::VectorXd& parameters, const Eigen::VectorXd& gradient);
    double learningRate() const { return m_learningRate; }

private:
    double m_learningRate, m_beta1, m_beta2, m_epsilon;
    Eigen::VectorXd m_first, m_second;
    long long m_steps = 0;
};

} // namespace coinfer
