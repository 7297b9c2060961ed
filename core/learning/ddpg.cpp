#include "core/learning/ddpg.h"

#include "core/learning/ddpgagent.h"
#include "core/learning/mlp.h"
#include "core/util/random.h"

#include <Eigen/Core>

#include <charconv>

#include <algorithm>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <system_error>
#include <utility>

namespace coinfer {

ReplayBuffer::ReplayBuffer(int capacity, int stateSize)
    : m_capacity(capacity)
    , m_stateSize(stateSize)
    , m_states(stateSize, capacity)
    , m_nextStates(stateSize, capacity)
    , m_actions(capacity)
    , m_rewards(capacity)
    , m_done(capacity)
{
}

void ReplayBuffer::add(const double* state, double action, double reward, const double* next, bool done)
{
    m_states.col(m_next) = Eigen::Map<const Eigen::VectorXd>(state, m_stateSize);
    m_nextStates.col(m_next) = Eigen::Map<const Eigen::VectorXd>(next, m_stateSize);
    m_actions[m_next] = action;
    m_rewards[m_next] = reward;
    m_done[m_next] = done ? 1.0 : 0.0;
    m_next = (m_next + 1) % m_capacity;
    m_size = std::min(m_size + 1, m_capacity);
}

void ReplayBuffer::sample(int n, SeededRandom& random, Eigen::MatrixXd& states, Eigen::MatrixXd& actions,
                          Eigen::MatrixXd& rewards, Eigen::MatrixXd& next, Eigen::MatrixXd& done) const
{
    states.resize(m_stateSize, n);
    next.resize(m_stateSize, n);
    actions.resize(1, n);
    rewards.resize(1, n);
    done.resize(1, n);
    for (int i = 0; i < n; ++i) {
        const int at = std::min(static_cast<int>(random.uniform() * m_size), m_size - 1);
        states.col(i) = m_states.col(at);
        next.col(i) = m_nextStates.col(at);
        actions(0, i) = m_actions[at];
        rewards(0, i) = m_rewards[at];
        done(0, i) = m_done[at];
    }
}

namespace {

/// The reward's price of a deadline miss, in mean local task energies.
constexpr double kMissPenalty = 20.0;

/// inputs -> hidden... -> 1: ReLU on the hidden layers, @p output on the last.
Mlp makeNetwork(int inputs, const std::vector<int>& hidden, Activation output, std::uint64_t seed)
{
    std::vector<int> sizes{inputs};
    sizes.insert(sizes.end(), hidden.begin(), hidden.end());
    sizes.push_back(1);
    std::vector<Activation> activations(hidden.size(), Activation::Relu);
    activations.push_back(output);
    return Mlp(sizes, activations, seed);
}

Mlp makeActor(int stateSize, const std::vector<int>& hidden, std::uint64_t seed)
{
    return makeNetwork(stateSize, hidden, Activation::Sigmoid, seed);
}

Mlp makeCritic(int stateSize, const std::vector<int>& hidden, std::uint64_t seed)
{
    return makeNetwork(stateSize + 1, hidden, Activation::Linear, seed);
}

/// A standard normal draw (Box-Muller), from the portable generator.
double gaussian(SeededRandom& random)
{
    const double u1 = std::max(random.uniform(), 1e-300), u2 = random.uniform();
    return std::sqrt(-2.0 * std::log(u1)) * std::cos(6.283185307179586 * u2);
}

} // namespace

DdpgAgent::DdpgAgent(int stateSize, const DdpgConfig& config)
    : m_config(config)
    , m_stateSize(stateSize)
    , m_actor(makeActor(stateSize, config.hidden, config.seed * 4 + 1))
    , m_critic(makeCritic(stateSize, config.hidden, config.seed * 4 + 2))
    , m_actorTarget(m_actor)
    , m_criticTarget(m_critic)
    , m_actorOptimizer(m_actor.parameterCount(), config.actorLearningRate)
    , m_criticOptimizer(m_critic.parameterCount(), config.criticLearningRate)
    , m_replay(config.replayCapacity, stateSize)
    , m_random(config.seed * 4 + 3)
{
}

double DdpgAgent::act(const double* state, double noise)
{
    const double action = m_actor.predict(Eigen::Map<const Eigen::VectorXd>(state, m_stateSize))(0, 0);
    return std::clamp(action + (noise > 0 ? noise * gaussian(m_random) : 0.0), 0.0, 1.0);
}

void DdpgAgent::remember(const double* state, double action, double reward, const double* next, bool done)
{
    m_replay.add(state, action, reward, next, done);
}

bool DdpgAgent::update()
{
    const int n = m_config.batchSize;
    if (m_replay.size() < n)
        return false;
    Eigen::MatrixXd states, actions, rewards, next, done;
    m_replay.sample(n, m_random, states, actions, rewards, next, done);

    // Critic: regress Q(s, a) on r + gamma (1 - done) Q'(s', mu'(s')).
    Eigen::MatrixXd nextInput(m_stateSize + 1, n);
    nextInput.topRows(m_stateSize) = next;
    nextInput.bottomRows(1) = m_actorTarget.predict(next);
    const Eigen::MatrixXd target =
        rewards + m_config.gamma * (1.0 - done.array()).matrix().cwiseProduct(m_criticTarget.predict(nextInput));
    Eigen::MatrixXd input(m_stateSize + 1, n);
    input.topRows(m_stateSize) = states;
    input.bottomRows(1) = actions;
    m_critic.zeroGradient();
    const Eigen::MatrixXd q = m_critic.forward(input);
    m_critic.backward(2.0 * (q - target) / n);
    m_critic.setParameters(m_criticOptimizer.step(m_critic.parameters(), m_critic.gradient()));

    // Actor: ascend Q(s, mu(s)) through the critic's gradient with respect to the action.
    m_actor.zeroGradient();
    const Eigen::MatrixXd proposed = m_actor.forward(states);
    input.bottomRows(1) = proposed;
    Mlp critic = m_critic; // a copy, so the critic's gradient is not touched
    critic.zeroGradient();
    critic.forward(input);
    const Eigen::MatrixXd inputGradient = critic.backward(Eigen::MatrixXd::Constant(1, n, -1.0 / n));
    // Once the sigmoid saturates its gradient is too small for Adam (below its epsilon) and the
    // actor stays at 0 or 1 for good, whatever the critic learns later: a penalty on the
    // pre-activation beyond the band keeps it recoverable. d/da of the penalty is its d/dz
    // divided by the sigmoid's slope a (1 - a), which the actor's backward multiplies back.
    Eigen::MatrixXd actionGradient = inputGradient.bottomRows(1);
    for (int i = 0; i < n; ++i) {
        const double a = std::clamp(proposed(0, i), 1e-12, 1.0 - 1e-12);
        const double z = std::log(a / (1.0 - a));
        const double excess = std::max(0.0, std::fabs(z) - m_config.saturationBand) * (z < 0 ? -1.0 : 1.0);
        actionGradient(0, i) += 2.0 * m_config.saturationPenalty * excess / (a * (1.0 - a)) / n;
    }
    m_actor.backward(actionGradient);
    m_actor.setParameters(m_actorOptimizer.step(m_actor.parameters(), m_actor.gradient()));

    m_actorTarget.softUpdate(m_actor, m_config.tau);
    m_criticTarget.softUpdate(m_critic, m_config.tau);
    return true;
}

DispatchPolicy ddpgDispatchPolicy(const Actor& actor)
{
    return [actor](const OnlineObservation& o) { return o.poolSize > 0 && o.minSlackShare <= actor.threshold(o); };
}

PolicyThreshold ddpgThreshold(const Actor& actor)
{
    return [actor](const OnlineObservation& o) { return actor.threshold(o); };
}

OnlineResult evaluatePolicy(const Scenario& scenario, OnlinePlanner planner, const DispatchPolicy& policy,
                            std::uint64_t firstSeed, int episodes)
{
    OnlineResult total;
    for (int e = 0; e < episodes; ++e)
        total.add(runEpisode(scenario, planner, makeArrivalTrace(scenario, firstSeed + static_cast<std::uint64_t>(e)), policy));
    return total;
}

bool betterOnlineResult(const OnlineResult& a, const OnlineResult& b)
{
    return a.misses < b.misses || (a.misses == b.misses && a.energyPerTaskMj() < b.energyPerTaskMj());
}

FixedThresholdRule bestFixedThreshold(const Scenario& scenario, OnlinePlanner planner, std::uint64_t firstSeed, int episodes)
{
    FixedThresholdRule best;
    for (int step = 0; step <= 20; ++step) {
        const double threshold = step / 20.0;
        const OnlineResult result = evaluatePolicy(scenario, planner, thresholdPolicy(threshold), firstSeed, episodes);
        if (step == 0 || betterOnlineResult(result, best.result))
            best = {threshold, result};
    }
    return best;
}

double TrainingVerdict::excessPercent() const
{
    const double fixed = fixedRule.result.energyPerTaskMj();
    return fixed > 0 ? 100.0 * (policy.energyPerTaskMj() - fixed) / fixed : 0.0;
}

std::string TrainingVerdict::warning(const std::string& howToUse) const
{
    if (!policyLoses())
        return {};
    char text[400];
    std::snprintf(text, sizeof text,
                  "Training did not beat a fixed rule: on the same %d evaluation traces the kept DDPG-%s policy uses %.3f mJ "
                  "per task with %d misses, %.2f%% %s than the fixed threshold %.2f (%.3f mJ per task, %d misses), so use "
                  "that rule instead: ",
                  evaluationEpisodes, planner == OnlinePlanner::Og ? "OG" : "IP-SSA", policy.energyPerTaskMj(), policy.misses,
                  std::fabs(excessPercent()), excessPercent() >= 0 ? "more" : "less", fixedRule.threshold,
                  fixedRule.result.energyPerTaskMj(), fixedRule.result.misses);
    return text + howToUse + ".";
}

TrainingVerdict judgeTraining(const Scenario& scenario, const DdpgPolicy& policy, int evaluationEpisodes)
{
    TrainingVerdict verdict;
    verdict.planner = policy.planner;
    verdict.evaluationEpisodes = evaluationEpisodes;
    const std::uint64_t evaluationSeed = scenario.online.seed + 1'000'000;
    verdict.policy =
        evaluatePolicy(scenario, policy.planner, ddpgDispatchPolicy(policy.actor), evaluationSeed, evaluationEpisodes);
    verdict.fixedRule = bestFixedThreshold(scenario, policy.planner, evaluationSeed, evaluationEpisodes);
    return verdict;
}

Expected<DdpgPolicy> trainDdpg(const Scenario& scenario, const TrainingOptions& options)
{
    if (!scenario.online.present)
        return Unexpected(
            Error{ErrorCode::BadInput, "the scenario has no \"online\" block (arrival process, slot length, horizon)"});
    const int stateSize = OnlineObservation::kFeatures;
    DdpgAgent agent(stateSize, options.ddpg);
    DdpgPolicy best;
    best.planner = options.planner;
    best.scenarioName = scenario.name;
    best.seed = options.ddpg.seed;
    bool haveBest = false;
    long long steps = 0;
    const std::uint64_t evaluationSeed = scenario.online.seed + 1'000'000;
    for (int episode = 1; episode <= options.episodes; ++episode) {
        const auto started = std::chrono::steady_clock::now();
        const double progress = options.episodes > 1 ? (episode - 1.0) / (options.episodes - 1.0) : 1.0;
        const double noise = options.ddpg.noiseStart + (options.ddpg.noiseEnd - options.ddpg.noiseStart) * progress;
        OnlineSimulator simulator(
            scenario, options.planner,
            makeArrivalTrace(scenario, scenario.online.seed + options.ddpg.seed * 100'003 + static_cast<std::uint64_t>(episode)),
            kMissPenalty, options.ddpg.gamma);
        EpisodeReport report;
        report.episode = episode;
        int episodeSteps = 0;
        while (!simulator.done()) {
            const OnlineObservation before = simulator.observe();
            // Uniform actions while the buffer fills: the critic first sees the whole action range.
            const double action = steps < options.ddpg.warmupSteps ? agent.randomAction() : agent.act(before.features, noise);
            const double reward = simulator.step(before.poolSize > 0 && before.minSlackShare <= action);
            agent.remember(before.features, action, reward, simulator.observe().features, simulator.done());
            report.reward += reward;
            if (++steps >= options.ddpg.warmupSteps && steps % options.ddpg.updateEvery == 0)
                agent.update();
            ++episodeSteps;
        }
        const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
        report.stepsPerSecond = episodeSteps / std::max(seconds, 1e-9);
        report.energyPerTaskMj = simulator.result().energyPerTaskMj();
        report.misses = simulator.result().misses;
        double thresholdSum = 0;
        long long thresholdSlots = 0;
        const Actor actor = agent.actor();
        const DispatchPolicy policy = [&](const OnlineObservation& o) {
            if (o.poolSize == 0)
                return false;
            const double threshold = actor.threshold(o);
            thresholdSum += threshold;
            ++thresholdSlots;
            return o.minSlackShare <= threshold;
        };
        const OnlineResult evaluation =
            evaluatePolicy(scenario, options.planner, policy, evaluationSeed, options.evaluationEpisodes);
        report.evaluationMeanThreshold = thresholdSlots > 0 ? thresholdSum / static_cast<double>(thresholdSlots) : 0.0;
        report.evaluationEnergyPerTaskMj = evaluation.energyPerTaskMj();
        report.evaluationMisses = evaluation.misses;
        if (!haveBest || evaluation.misses < best.evaluationMisses ||
            (evaluation.misses == best.evaluationMisses && evaluation.energyPerTaskMj() < best.evaluationEnergyPerTaskMj)) {
            haveBest = true;
            best.actor = agent.actor();
            best.episodes = episode;
            best.evaluationEnergyPerTaskMj = evaluation.energyPerTaskMj();
            best.evaluationMisses = evaluation.misses;
            report.best = true;
        }
        if (options.progress && !options.progress(report))
            break;
    }
    if (!haveBest)
        return Unexpected(Error{ErrorCode::BadInput, "training was stopped before its first episode ended"});
    return best;
}

Expected<JudgedPolicy> trainAndJudge(const Scenario& scenario, const TrainingOptions& options)
{
    return trainDdpg(scenario, options).transform([&](DdpgPolicy policy) {
        TrainingVerdict verdict = judgeTraining(scenario, policy, options.evaluationEpisodes);
        return JudgedPolicy{std::move(policy), std::move(verdict)};
    });
}

std::optional<std::vector<int>> parseHiddenLayers(std::string_view text)
{
    std::vector<int> sizes;
    size_t from = 0;
    for (;;) {
        const size_t comma = text.find(',', from);
        const std::string_view part = text.substr(from, comma == std::string_view::npos ? std::string_view::npos : comma - from);
        int value = 0;
        const auto [end, error] = std::from_chars(part.data(), part.data() + part.size(), value);
        if (part.empty() || error != std::errc() || end != part.data() + part.size() || value < 1 || value > 4096 ||
            sizes.size() == 4)
            return std::nullopt;
        sizes.push_back(value);
        if (comma == std::string_view::npos)
            return sizes;
        from = comma + 1;
    }
}

std::string hiddenLayersText(const std::vector<int>& sizes)
{
    std::string text;
    for (int size : sizes)
        text += (text.empty() ? "" : ",") + std::to_string(size);
    return text;
}

} // namespace coinfer
