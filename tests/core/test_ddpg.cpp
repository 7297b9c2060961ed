// The reinforcement-learning parts: backpropagation against finite differences, Adam, the
// replay buffer, target updates, reproducible training, and policy files.
#include "core/learning/ddpg.h"
#include "core/learning/ddpgagent.h"
#include "core/util/random.h"
#include "core/learning/mlp.h"
#include "core/io/scenarioio.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <cmath>

using namespace coinfer;

namespace {

Eigen::MatrixXd randomMatrix(int rows, int cols, std::uint64_t seed)
{
    SeededRandom random(seed);
    Eigen::MatrixXd m(rows, cols);
    for (Eigen::Index i = 0; i < m.size(); ++i)
        m.data()[i] = 2 * random.uniform() - 1;
    return m;
}

/// Loss sum(weights .* output), whose gradient with respect to the output is `weights`.
double loss(Mlp& net, const Eigen::MatrixXd& input, const Eigen::MatrixXd& weights)
{
    return net.predict(input).cwiseProduct(weights).sum();
}

double relativeError(double a, double b)
{
    return std::fabs(a - b) / std::max({1e-8, std::fabs(a), std::fabs(b)});
}

Scenario smallOnlineScenario()
{
    Expected<Scenario> scenario = readScenario(COINFER_EXAMPLES "/online.json");
    Scenario s = *scenario;
    s.online.horizonMs = 600;
    return s;
}

} // namespace

class TestDdpg : public QObject {
    Q_OBJECT

private slots:
    void backpropagationMatchesFiniteDifferences_data()
    {
        QTest::addColumn<int>("hiddenActivation");
        QTest::addColumn<int>("outputActivation");
        QTest::newRow("tanh, linear") << int(Activation::Tanh) << int(Activation::Linear);
        QTest::newRow("sigmoid, sigmoid") << int(Activation::Sigmoid) << int(Activation::Sigmoid);
        QTest::newRow("relu, tanh") << int(Activation::Relu) << int(Activation::Tanh);
    }

    void backpropagationMatchesFiniteDifferences()
    {
        QFETCH(int, hiddenActivation);
        QFETCH(int, outputActivation);
        const auto hidden = static_cast<Activation>(hiddenActivation);
        Mlp net({5, 7, 6, 3}, {hidden, hidden, static_cast<Activation>(outputActivation)}, 11, 0.5);
        const Eigen::MatrixXd input = randomMatrix(5, 4, 12);
        const Eigen::MatrixXd outputWeights = randomMatrix(3, 4, 13);
        net.zeroGradient();
        net.forward(input);
        const Eigen::MatrixXd inputGradient = net.backward(outputWeights);
        const Eigen::VectorXd analytic = net.gradient();
        const Eigen::VectorXd parameters = net.parameters();
        const double h = 1e-6;
        int checked = 0;
        for (Eigen::Index i = 0; i < parameters.size(); ++i) {
            Eigen::VectorXd plus = parameters, minus = parameters;
            plus[i] += h;
            minus[i] -= h;
            net.setParameters(plus);
            const double up = loss(net, input, outputWeights);
            net.setParameters(minus);
            const double down = loss(net, input, outputWeights);
            const double numeric = (up - down) / (2 * h);
            // A ReLU kink inside [-h, h] makes the difference quotient meaningless; none is expected
            // with these seeds, but the check says which parameter if one appears.
            QVERIFY2(relativeError(numeric, analytic[i]) < 1e-5 || std::fabs(numeric - analytic[i]) < 1e-8,
                     qPrintable(QString("parameter %1: numeric %2, backprop %3").arg(i).arg(numeric).arg(analytic[i])));
            ++checked;
        }
        net.setParameters(parameters);
        for (Eigen::Index i = 0; i < input.size(); ++i) {
            Eigen::MatrixXd plus = input, minus = input;
            plus.data()[i] += h;
            minus.data()[i] -= h;
            const double numeric = (loss(net, plus, outputWeights) - loss(net, minus, outputWeights)) / (2 * h);
            QVERIFY2(relativeError(numeric, inputGradient.data()[i]) < 1e-5 ||
                         std::fabs(numeric - inputGradient.data()[i]) < 1e-8,
                     qPrintable(QString("input %1").arg(i)));
        }
        QCOMPARE(checked, net.parameterCount());
    }

    void actorGradientThroughTheCriticMatchesFiniteDifferences()
    {
        // The actor step of DDPG: d/d(theta) of -mean Q(s, mu_theta(s)).
        Mlp actor({4, 6, 1}, {Activation::Tanh, Activation::Sigmoid}, 21, 0.5);
        Mlp critic({5, 8, 1}, {Activation::Tanh, Activation::Linear}, 22, 0.5);
        const Eigen::MatrixXd states = randomMatrix(4, 6, 23);
        auto objective = [&](Mlp& a) {
            Eigen::MatrixXd input(5, states.cols());
            input.topRows(4) = states;
            input.bottomRows(1) = a.predict(states);
            return -critic.predict(input).mean();
        };
        actor.zeroGradient();
        Eigen::MatrixXd input(5, states.cols());
        input.topRows(4) = states;
        input.bottomRows(1) = actor.forward(states);
        Mlp criticCopy = critic;
        criticCopy.zeroGradient();
        criticCopy.forward(input);
        const Eigen::MatrixXd dInput =
            criticCopy.backward(Eigen::MatrixXd::Constant(1, states.cols(), -1.0 / static_cast<double>(states.cols())));
        actor.backward(dInput.bottomRows(1));
        const Eigen::VectorXd analytic = actor.gradient();
        const Eigen::VectorXd parameters = actor.parameters();
        for (Eigen::Index i = 0; i < parameters.size(); ++i) {
            Eigen::VectorXd plus = parameters, minus = parameters;
            plus[i] += 1e-6;
            minus[i] -= 1e-6;
            actor.setParameters(plus);
            const double up = objective(actor);
            actor.setParameters(minus);
            const double down = objective(actor);
            const double numeric = (up - down) / 2e-6;
            QVERIFY2(relativeError(numeric, analytic[i]) < 1e-5 || std::fabs(numeric - analytic[i]) < 1e-9,
                     qPrintable(QString("actor parameter %1: numeric %2, backprop %3").arg(i).arg(numeric).arg(analytic[i])));
        }
    }

    void adamMinimisesAQuadratic()
    {
        const Eigen::VectorXd target = randomMatrix(6, 1, 31);
        Eigen::VectorXd x = Eigen::VectorXd::Zero(6);
        Adam adam(6, 0.05);
        for (int i = 0; i < 3000; ++i)
            x = adam.step(x, 2 * (x - target));
        QVERIFY((x - target).norm() < 1e-3);
    }

    void replayBufferKeepsTheNewest()
    {
        ReplayBuffer buffer(3, 2);
        for (int i = 0; i < 5; ++i) {
            const double state[2] = {double(i), double(-i)}, next[2] = {double(i + 1), 0};
            buffer.add(state, i / 10.0, i, next, i == 4);
        }
        QCOMPARE(buffer.size(), 3);
        SeededRandom random(5);
        Eigen::MatrixXd s, a, r, n, d;
        buffer.sample(50, random, s, a, r, n, d);
        for (int i = 0; i < 50; ++i) {
            QVERIFY(r(0, i) >= 2); // transitions 0 and 1 were overwritten
            QCOMPARE(s(0, i), r(0, i));
            QCOMPARE(a(0, i), r(0, i) / 10.0);
            QCOMPARE(n(0, i), r(0, i) + 1);
            QCOMPARE(d(0, i), r(0, i) == 4 ? 1.0 : 0.0);
        }
    }

    void softUpdateBlends()
    {
        Mlp a({2, 3, 1}, {Activation::Relu, Activation::Linear}, 1, 0.5),
            b({2, 3, 1}, {Activation::Relu, Activation::Linear}, 2, 0.5);
        Mlp c = a;
        c.softUpdate(b, 0.25);
        QVERIFY((c.parameters() - (0.25 * b.parameters() + 0.75 * a.parameters())).norm() < 1e-12);
        c.softUpdate(b, 1.0);
        QCOMPARE(c.parameters(), b.parameters());
    }

    void aPolicyThatLosesToAFixedThresholdIsToldSo()
    {
        // A deliberately bad policy: an actor whose threshold is about 1e-13 whatever it sees,
        // so it waits until tasks are forced. The verdict must find a better fixed threshold on
        // the evaluation traces, and name it.
        const Scenario scenario = smallOnlineScenario();
        Mlp network({OnlineObservation::kFeatures, 1}, {Activation::Sigmoid}, 1);
        Eigen::VectorXd parameters = Eigen::VectorXd::Zero(network.parameterCount());
        parameters[parameters.size() - 1] = -30; // the bias
        network.setParameters(parameters);
        DdpgPolicy bad;
        bad.actor = network;
        const int traces = 3;
        const TrainingVerdict verdict = judgeTraining(scenario, bad, traces);
        // The references, computed here threshold by threshold on the same traces.
        const std::uint64_t evaluationSeed = scenario.online.seed + 1'000'000;
        const OnlineResult waiting = evaluatePolicy(scenario, OnlinePlanner::Og, thresholdPolicy(0.0), evaluationSeed, traces);
        double bestThreshold = 0;
        OnlineResult best = waiting;
        for (int step = 1; step <= 20; ++step) {
            const OnlineResult r =
                evaluatePolicy(scenario, OnlinePlanner::Og, thresholdPolicy(step / 20.0), evaluationSeed, traces);
            if (r.misses < best.misses || (r.misses == best.misses && r.energyMj < best.energyMj)) {
                best = r;
                bestThreshold = step / 20.0;
            }
        }
        QCOMPARE(verdict.policy.energyMj, waiting.energyMj);
        QCOMPARE(verdict.fixedRule.threshold, bestThreshold);
        QCOMPARE(verdict.fixedRule.result.energyMj, best.energyMj);
        QVERIFY(bestThreshold > 0 && best.energyMj < waiting.energyMj);
        QVERIFY(verdict.policyLoses());
        QVERIFY(std::fabs(verdict.excessPercent() - 100.0 * (waiting.energyPerTaskMj() / best.energyPerTaskMj() - 1.0)) < 1e-9);
        const std::string warning = verdict.warning("use it");
        QVERIFY2(warning.find("did not beat a fixed rule") != std::string::npos, warning.c_str());
        QVERIFY2(warning.find(QString::number(bestThreshold, 'f', 2).toStdString()) != std::string::npos, warning.c_str());
        QVERIFY(warning.ends_with("use it."));

        TrainingVerdict winning = verdict; // a policy that spends less than the rule is not warned about
        winning.policy.energyMj = 0.5 * best.energyMj;
        winning.policy.misses = best.misses;
        QVERIFY(!winning.policyLoses());
        QVERIFY(winning.warning("use it").empty());
        winning.policy.misses = best.misses + 1; // ... unless it misses more deadlines
        QVERIFY(winning.policyLoses());
    }

    void trainAndJudgeHandsOverTheVerdictOfTheKeptPolicy()
    {
        const Scenario scenario = smallOnlineScenario();
        TrainingOptions options;
        options.episodes = 1;
        options.evaluationEpisodes = 2;
        const Expected<JudgedPolicy> judged = trainAndJudge(scenario, options);
        QVERIFY(judged.has_value());
        const OnlineResult kept = evaluatePolicy(scenario, OnlinePlanner::Og, ddpgDispatchPolicy(judged->policy.actor),
                                                 scenario.online.seed + 1'000'000, 2);
        QCOMPARE(judged->verdict.policy.energyMj, kept.energyMj);
        QCOMPARE(judged->verdict.policy.energyPerTaskMj(), judged->policy.evaluationEnergyPerTaskMj);
        QCOMPARE(judged->verdict.evaluationEpisodes, 2);
    }

    void trainingIsReproducible()
    {
        const Scenario scenario = smallOnlineScenario();
        TrainingOptions options;
        options.episodes = 3;
        options.evaluationEpisodes = 1;
        options.ddpg.warmupSteps = 50;
        int reports = 0;
        options.progress = [&](const EpisodeReport& report) {
            ++reports;
            return report.stepsPerSecond > 0;
        };
        Expected<DdpgPolicy> first = trainDdpg(scenario, options);
        Expected<DdpgPolicy> second = trainDdpg(scenario, options);
        QVERIFY(first.has_value() && second.has_value());
        QCOMPARE(reports, 6);
        QCOMPARE(first->actor.network().parameters(), second->actor.network().parameters());
        options.ddpg.seed = 2;
        Expected<DdpgPolicy> other = trainDdpg(scenario, options);
        QVERIFY(other->actor.network().parameters() != first->actor.network().parameters());
    }

    void stoppingKeepsTheBestSoFar()
    {
        const Scenario scenario = smallOnlineScenario();
        TrainingOptions options;
        options.episodes = 50;
        options.evaluationEpisodes = 1;
        options.progress = [](const EpisodeReport& report) { return report.episode < 2; };
        Expected<DdpgPolicy> policy = trainDdpg(scenario, options);
        QVERIFY(policy.has_value());
        QVERIFY(policy->episodes <= 2);
    }

    void theActorsThresholdIsItsNetworksOutput()
    {
        // Actor is how everything outside this layer evaluates a trained policy: its threshold
        // is the network's output on the observation's features, and the dispatch rule and the
        // recorded threshold both use it.
        const Mlp network({OnlineObservation::kFeatures, 6, 1}, {Activation::Tanh, Activation::Sigmoid}, 5, 0.5);
        const Actor actor = network;
        QCOMPARE(actor.sizes(), network.sizes());
        QCOMPARE(actor.inputSize(), OnlineObservation::kFeatures);
        QCOMPARE(actor.outputSize(), 1);
        const DispatchPolicy dispatch = ddpgDispatchPolicy(actor);
        const PolicyThreshold threshold = ddpgThreshold(actor);
        for (int k = 0; k < 20; ++k) {
            OnlineObservation o;
            SeededRandom random(100 + static_cast<std::uint64_t>(k));
            for (double& feature : o.features)
                feature = random.uniform();
            o.poolSize = k % 4;
            o.minSlackShare = random.uniform();
            const double expected =
                network.predict(Eigen::Map<const Eigen::VectorXd>(o.features, OnlineObservation::kFeatures))(0, 0);
            QCOMPARE(actor.threshold(o), expected);
            QCOMPARE(threshold(o), expected);
            QCOMPARE(dispatch(o), o.poolSize > 0 && o.minSlackShare <= expected);
        }
        const Actor none;
        QVERIFY(none.sizes().empty());
        QCOMPARE(none.inputSize(), 0);
    }

    void policyFilesRoundTrip()
    {
        DdpgPolicy policy;
        policy.actor = Mlp({OnlineObservation::kFeatures, 5, 1}, {Activation::Relu, Activation::Sigmoid}, 3, 0.5);
        policy.planner = OnlinePlanner::IpSsa;
        policy.scenarioName = "x";
        policy.episodes = 7;
        Expected<DdpgPolicy> back = parsePolicy(policyToJson(policy), "policy.json");
        QVERIFY2(back.has_value(), back ? "" : back.error().message.c_str());
        QCOMPARE(back->actor.network().parameters(), policy.actor.network().parameters());
        QCOMPARE(int(back->planner), int(OnlinePlanner::IpSsa));
        QCOMPARE(back->episodes, 7);
    }

    void badPolicyFilesNameTheField()
    {
        DdpgPolicy policy;
        policy.actor = Mlp({OnlineObservation::kFeatures, 5, 1}, {Activation::Relu, Activation::Sigmoid}, 3, 0.5);
        const QJsonObject good = QJsonDocument::fromJson(QByteArray::fromStdString(policyToJson(policy))).object();
        auto refused = [&](const std::function<void(QJsonObject&)>& change, const char* fragment) {
            QJsonObject bad = good;
            change(bad);
            Expected<DdpgPolicy> result = parsePolicy(QJsonDocument(bad).toJson().toStdString(), "bad.json");
            if (result.has_value())
                return false;
            if (result.error().message.find(fragment) == std::string::npos) {
                qWarning("%s", result.error().message.c_str());
                return false;
            }
            return true;
        };
        QVERIFY(refused([](QJsonObject& o) { o["state_features"] = 4; },
                        "bad.json: state_features: is 4, but this build observes 11"));
        QVERIFY(refused(
            [](QJsonObject& o) {
                QJsonArray layers = o["actor"].toArray();
                QJsonObject first = layers[0].toObject();
                QJsonArray weights = first["weights_column_major"].toArray();
                weights.removeLast();
                first["weights_column_major"] = weights;
                layers[0] = first;
                o["actor"] = layers;
            },
            "actor[0].weights_column_major: must have inputs x outputs = 55 numbers, not 54"));
        QVERIFY(refused(
            [](QJsonObject& o) {
                QJsonArray layers = o["actor"].toArray();
                QJsonObject second = layers[1].toObject();
                second["inputs"] = 6;
                layers[1] = second;
                o["actor"] = layers;
            },
            "actor[1].inputs: is 6, but the layer before has 5 outputs"));
        QVERIFY(refused(
            [](QJsonObject& o) {
                QJsonArray layers = o["actor"].toArray();
                QJsonObject second = layers[1].toObject();
                second["activation"] = "softmax";
                layers[1] = second;
                o["actor"] = layers;
            },
            "actor[1].activation: unknown activation \"softmax\""));
        QVERIFY(refused([](QJsonObject& o) { o.remove("planner"); }, "planner: is missing"));
        QVERIFY(refused([](QJsonObject& o) { o["planner"] = "magic"; }, "planner: must be \"og\" or \"ip-ssa\""));
    }
};

QTEST_APPLESS_MAIN(TestDdpg)
#include "test_ddpg.moc"
