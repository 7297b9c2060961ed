// searchUniformLoadLimit (core/planning/roundbounds.h) finds its K "within @p maxPlans plans".
// Its golden-section loop plans two points per pass; it once checked only that one more plan
// fit, so about 3% of these small seeded instances (e.g. random-9600003 with maxPlans 4) made
// maxPlans + 1 plans. Found by direct tests of the planners; kept as a counterexample.
#include "core/model/costmodel.h"
#include "core/model/randomscenario.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"

#include <QTest>

using namespace coinfer;

class TestUniformLoadLimit : public QObject {
    Q_OBJECT

private slots:
    void searchStaysWithinMaxPlans()
    {
        const EdgeShape shapes[] = {EdgeShape::Affine, EdgeShape::Sqrt,  EdgeShape::Quadratic, EdgeShape::Step,
                                    EdgeShape::Knee,   EdgeShape::Noisy, EdgeShape::Constant};
        int checked = 0;
        for (int index = 0; index < 300; ++index) {
            RandomScenarioSpec spec;
            spec.users = 4 + index % 30;
            spec.subtasks = 1 + (index / 4) % 3;
            spec.maxBatch = 1 + (index / 12) % 3;
            spec.edgeShape = shapes[(index / 36) % 7];
            const double tightness[] = {1.0, 1.3, 1.7};
            spec.tightness = tightness[index % 3];
            const double edgeScale[] = {1.0, 3.0, 8.0};
            spec.edgeScale = edgeScale[(index / 3) % 3];
            spec.localAlwaysFeasible = index % 4 != 0;
            const Scenario scenario = makeRandomScenario(9'600'000 + static_cast<std::uint64_t>(index), spec);
            const CostModel model(scenario);
            for (int maxPlans : {3, 4, 5, 6, 7, 8}) {
                int plans = 0;
                searchUniformLoadLimit(
                    model,
                    [&](const std::vector<double>& remainingMs) {
                        ++plans;
                        return planIpSsaForBounds(model, remainingMs);
                    },
                    maxPlans);
                QVERIFY2(plans <= maxPlans, qPrintable(QString("%1: %2 plans for maxPlans %3")
                                                           .arg(QString::fromStdString(scenario.name))
                                                           .arg(plans)
                                                           .arg(maxPlans)));
                ++checked;
            }
        }
        QCOMPARE(checked, 1800);
    }
};

QTEST_APPLESS_MAIN(TestUniformLoadLimit)
#include "test_uniformloadlimit.moc"
