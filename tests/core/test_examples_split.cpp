// examples/classroom-split.json: its layer numbers follow from the layer shapes, and
// the recommended (best) plan splits inside the network, meets every deadline and is beaten by
// no planner shown beside it. classroom.json, whose activations never shrink below the input,
// is the contrast: there nobody splits inside.
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/planning/planner.h"

#include <QTest>

#include <cmath>
#include <string>
#include <vector>

using namespace coinfer;

namespace {

Scenario load(const char* name)
{
    Expected<Scenario> scenario = readScenario(std::string(COINFER_EXAMPLES "/") + name);
    if (!scenario)
        qFatal("%s", scenario.error().message.c_str());
    return *scenario;
}

/// FLOPs of a k x k convolution (multiply and add) producing an h x w x cOut output.
double convFlops(int k, int cIn, int cOut, int h, int w)
{
    return 2.0 * k * k * cIn * cOut * h * w;
}

/// A 2x2 max pool: three comparisons per output element.
double poolFlops(int h, int w, int c)
{
    return 3.0 * h * w * c;
}

struct Block {
    double flops;
    double outputBytes;
};

/// The split CNN of docs/classroom.md, written from its shapes (int8 activations: 1 byte each).
std::vector<Block> splitCnnFromShapes()
{
    return {
        {convFlops(3, 3, 16, 112, 112) + poolFlops(56, 56, 16), 56.0 * 56 * 16},
        {convFlops(3, 16, 32, 56, 56) + poolFlops(28, 28, 32), 28.0 * 28 * 32},
        {convFlops(3, 32, 64, 28, 28) + convFlops(3, 64, 64, 28, 28) + poolFlops(14, 14, 64), 14.0 * 14 * 64},
        {convFlops(3, 64, 128, 14, 14) + convFlops(3, 128, 128, 14, 14) + poolFlops(7, 7, 128), 7.0 * 7 * 128},
        {convFlops(3, 128, 256, 7, 7) + convFlops(3, 256, 256, 7, 7), 7.0 * 7 * 256},
        {7.0 * 7 * 256 + 2.0 * 256 * 10, 10.0 * 4}, // global average pool, fc, ten float logits
    };
}

bool splitsInside(const Plan& plan, int subtaskCount)
{
    for (const UserOutcome& user : plan.users)
        if (user.partition > 0 && user.partition < subtaskCount)
            return true;
    return false;
}

std::vector<Algorithm> shownBesideBest()
{
    return {Algorithm::Local, Algorithm::FullOffload, Algorithm::NoBatching, Algorithm::IpSsa, Algorithm::Og};
}

} // namespace

class TestExamplesSplit : public QObject {
    Q_OBJECT

private slots:
    void numbersFollowFromShapes()
    {
        const Scenario scenario = load("classroom-split.json");
        QCOMPARE(scenario.dnn.inputBytes, 224.0 * 224 * 3);
        const std::vector<Block> blocks = splitCnnFromShapes();
        QCOMPARE(scenario.dnn.subtaskCount(), static_cast<int>(blocks.size()));
        for (size_t n = 0; n < blocks.size(); ++n) {
            QCOMPARE(scenario.dnn.subtasks[n].flops, blocks[n].flops);
            QCOMPARE(scenario.dnn.subtasks[n].outputBytes, blocks[n].outputBytes);
        }
        // The point of the example: after the first block the activations are smaller than the frame.
        QVERIFY(scenario.dnn.subtasks[0].outputBytes < scenario.dnn.inputBytes);
    }

    void recommendedPlanSplitsInside()
    {
        const Scenario scenario = load("classroom-split.json");
        const CostModel model(scenario);
        const Expected<Plan> best = makePlan(scenario, model, Algorithm::Best);
        QVERIFY(best.has_value());
        QVERIFY(best->feasible);
        const int n = scenario.dnn.subtaskCount();
        int inside = 0;
        for (const UserOutcome& user : best->users)
            inside += user.partition > 0 && user.partition < n;
        QVERIFY2(inside >= 2, qPrintable(QString("only %1 users split inside").arg(inside)));
        for (Algorithm algorithm : shownBesideBest()) {
            const Expected<Plan> other = makePlan(scenario, model, algorithm);
            if (!other || !other->feasible)
                continue;
            QVERIFY2(best->totalEnergyMj <= other->totalEnergyMj * (1 + 1e-9),
                     qPrintable(QString::fromStdString(algorithmName(algorithm)) + " beats best"));
        }
        // Both ends are worse for every splitting user: the split is chosen by the numbers.
        for (int m = 0; m < model.userCount(); ++m) {
            const int p = best->users[static_cast<size_t>(m)].partition;
            if (p > 0 && p < n) {
                QVERIFY(model.energyMj(m, p) < model.energyMj(m, 0));
                QVERIFY(model.energyMj(m, p) < model.energyMj(m, n));
            }
        }
        // Optimal or near: within 5 % of the proven lower bound.
        QVERIFY(std::isfinite(best->lowerBoundMj));
        QVERIFY2(best->totalEnergyMj <= best->lowerBoundMj * 1.05,
                 qPrintable(QString("best %1 mJ, bound %2 mJ").arg(best->totalEnergyMj).arg(best->lowerBoundMj)));
    }

    void lectureCnnNeverSplitsInside()
    {
        const Scenario scenario = load("classroom.json");
        const CostModel model(scenario);
        const Expected<Plan> best = makePlan(scenario, model, Algorithm::Best);
        QVERIFY(best.has_value());
        QVERIFY(!splitsInside(*best, scenario.dnn.subtaskCount()));
    }
};

QTEST_MAIN(TestExamplesSplit)
#include "test_examples_split.moc"
