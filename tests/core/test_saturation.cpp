// When the GPU caps the saving (core/planning/saturation.h): the criterion recomputed from the
// two bounds, on scenarios where the GPU is the limit (the campus at 2,000 users, 40 users
// queueing for a slow GPU) and where it is not (the classroom, the campus at 200 users); the
// stated cap is never below a plan's saving; the sentence carries the rounded-up number.
#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/model/costmodel.h"
#include "core/model/randomscenario.h"
#include "core/planning/lowerbound.h"
#include "core/planning/planner.h"
#include "core/planning/saturation.h"

#include <QTest>

#include <cmath>
#include <string>

using namespace coinfer;

namespace {

/// examples/campus.json with its generated population set to @p users (as tests/widgets/campusfile.h).
Scenario campusWithUsers(int users)
{
    Expected<std::string> text = readTextFile(COINFER_EXAMPLES "/campus.json");
    if (!text)
        return {};
    const size_t at = text->find("\"count\": 200");
    if (at == std::string::npos)
        return {};
    text->replace(at, 12, "\"count\": " + std::to_string(users));
    Expected<Scenario> scenario = parseScenario(*text, "campus.json");
    return scenario ? *scenario : Scenario{};
}

/// The criterion written out from the documented definition, to judge gpuSaturation by.
bool saturatedByDefinition(const CostModel& model)
{
    const double local = model.localEnergyMj(), alone = model.aloneLowerBoundMj(), capacity = capacityLowerBoundMj(model);
    return local - alone > 1e-6 * local && capacity - alone >= 0.5 * (local - alone);
}

} // namespace

class TestSaturation : public QObject {
    Q_OBJECT

private slots:
    void criterion_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("saturated");
        QTest::newRow("classroom") << "classroom" << false;
        QTest::newRow("campus 200") << "campus-200" << false;
        QTest::newRow("campus 2000") << "campus-2000" << true;
        QTest::newRow("40 users, slow GPU") << "slow-gpu" << true;
    }

    /// The verdict on each scenario, the bounds behind it and the sentence that says it.
    void criterion()
    {
        QFETCH(QString, name);
        QFETCH(bool, saturated);
        Scenario scenario;
        if (name == "classroom")
            scenario = *readScenario(COINFER_EXAMPLES "/classroom.json");
        else if (name.startsWith("campus-"))
            scenario = campusWithUsers(name.mid(7).toInt());
        else // one at a time on a GPU 15 times slower: the queue, not the phones, limits the saving
            scenario = makeRandomScenario(
                5,
                {.users = 40, .subtasks = 6, .maxBatch = 1, .constantEdge = false, .localAlwaysFeasible = true, .edgeScale = 15});
        QVERIFY(!scenario.users.empty());
        const CostModel model(scenario);
        const GpuSaturation result = gpuSaturation(model);

        QCOMPARE(result.saturated, saturated);
        QCOMPARE(result.saturated, saturatedByDefinition(model));
        QCOMPARE(result.localEnergyMj, model.localEnergyMj());
        QCOMPARE(result.aloneBoundMj, model.aloneLowerBoundMj());
        QCOMPARE(result.capacityBoundMj, capacityLowerBoundMj(model));
        QVERIFY(result.capacityBoundMj >= result.aloneBoundMj * (1 - 1e-12));
        QVERIFY(
            qFuzzyCompare(result.maxSavingPercent, 100 * (result.localEnergyMj - result.capacityBoundMj) / result.localEnergyMj));
        QVERIFY(
            qFuzzyCompare(result.aloneSavingPercent, 100 * (result.localEnergyMj - result.aloneBoundMj) / result.localEnergyMj));

        const std::string sentence = describeGpuSaturation(result);
        if (!saturated) {
            QVERIFY(sentence.empty());
            return;
        }
        // Saturated means the GPU takes most of what the phones alone could save.
        QVERIFY(result.maxSavingPercent < result.aloneSavingPercent / 2 + 1e-9);
        QVERIFY2(sentence.starts_with("the GPU is saturated: no plan can save more than " +
                                      formatSavingCap(result.maxSavingPercent) + " of the local energy (" +
                                      formatSavingCap(result.aloneSavingPercent) + " if each user had the GPU to itself)"),
                 sentence.c_str());
    }

    /// The cap is a promise about every plan: the heuristics' feasible plans never save more, even
    /// as the table rounds them.
    void capIsNeverBelowAPlansSaving()
    {
        const Scenario scenario = campusWithUsers(2000);
        const CostModel model(scenario);
        const GpuSaturation result = gpuSaturation(model);
        QVERIFY(result.saturated);
        for (Algorithm algorithm : {Algorithm::Local, Algorithm::IpSsa, Algorithm::Og}) {
            const Expected<Plan> plan = makePlan(scenario, model, algorithm);
            QVERIFY(plan && plan->feasible);
            QVERIFY2(plan->savingPercent <= result.maxSavingPercent + 1e-9,
                     qPrintable(QString("%1 saves %2%, above the cap %3%")
                                    .arg(QString::fromStdString(algorithmName(algorithm)))
                                    .arg(plan->savingPercent)
                                    .arg(result.maxSavingPercent)));
            QVERIFY(std::stod(formatSavingCap(result.maxSavingPercent)) >= std::round(plan->savingPercent * 100) / 100);
        }
    }

    void capIsRoundedUp_data()
    {
        QTest::addColumn<double>("percent");
        QTest::addColumn<QString>("text");
        QTest::newRow("exact hundredth") << 2.91 << "2.91%";
        QTest::newRow("just above") << 2.9101 << "2.92%";
        QTest::newRow("just below") << 2.9099 << "2.91%";
        QTest::newRow("zero") << 0.0 << "0.00%";
        QTest::newRow("negative: every plan spends more than local") << -3.5 << "0.00%";
    }

    void capIsRoundedUp()
    {
        QFETCH(double, percent);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(formatSavingCap(percent)), text);
    }

    /// A user who cannot meet its deadline makes both bounds infinite: no verdict, no sentence
    /// (the infeasibility is explained elsewhere).
    void infeasibleScenarioIsNotSaturated()
    {
        Scenario scenario = *readScenario(COINFER_EXAMPLES "/classroom.json");
        scenario.users[0].deadlineMs = 0.001;
        const GpuSaturation result = gpuSaturation(CostModel(scenario));
        QVERIFY(!result.saturated);
        QVERIFY(std::isnan(result.maxSavingPercent));
        QVERIFY(describeGpuSaturation(result).empty());
    }
};

QTEST_APPLESS_MAIN(TestSaturation)
#include "test_saturation.moc"
