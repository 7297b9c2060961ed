// The round packing of best (core/planning/roundpacking.h): its timing of rounds from their
// aggregates never promises a deadline the simulator does not see met, and it saves energy.
#include "campus.h"
#include "families.h"

#include "core/io/fileio.h"
#include "core/io/scenarioio.h"
#include "core/planning/planner.h"
#include "core/planning/roundbounds.h"
#include "core/planning/roundpacking.h"
#include "core/simulation/simulator.h"

#include <QTest>

#include <string>

using namespace coinfer;
using coinfer::testing::campus;

namespace {

/// What packing one scenario from several starts gave.
struct Tally {
    int improved = 0; ///< starts the packing made cheaper
    int split = 0;    ///< of those, plans with a split round (more batches than plain rounds)
};

/// Packs @p scenario from the plans of local computing, IP-SSA and OG; every packed plan must
/// pass the simulator with the energy the packing states, below its start's.
void packAndCheck(const Scenario& scenario, const QString& name, Tally& tally)
{
    const CostModel model(scenario);
    const Schedule starts[] = {planLocal(model), planIpSsa(model), planOg(model)};
    for (const Schedule& start : starts) {
        SearchControl control;
        WorkMeter meter(control);
        const PackingOutcome packed = packRounds(model, meter, start, 50'000'000);
        QVERIFY2(!packed.stop, qPrintable(name));
        if (!packed.improved)
            continue;
        std::vector<Violation> violations;
        const Plan plan = simulate(scenario, model, *packed.improved, "round packing", &violations);
        QVERIFY2(plan.feasible, qPrintable(name + QStringLiteral(": ") +
                                           QString::fromStdString(violations.empty() ? "" : violations.front().message)));
        QVERIFY(std::abs(plan.totalEnergyMj - packed.energyMj) <= 1e-9 * plan.totalEnergyMj);
        const Plan before = simulate(scenario, model, start, "start");
        QVERIFY2(plan.totalEnergyMj < before.totalEnergyMj, qPrintable(name));
        ++tally.improved;
        const Schedule plain = roundSchedule(model, packed.improved->partitions, packed.improved->groups);
        tally.split += packed.improved->batches.size() > plain.batches.size();
    }
}

} // namespace

class TestRoundPacking : public QObject {
    Q_OBJECT

private slots:
    /// Small and medium seeded families: curves of every shape, B_max below M, ties, tight
    /// deadlines, slow GPUs. The packing's timing is an upper bound on the simulator's, so each
    /// plan it returns is feasible.
    void packedPlansPassTheSimulator()
    {
        Tally tally;
        const auto& families = families::all();
        for (size_t f = 0; f < families.size(); ++f)
            for (int i = 0; i < 200; ++i)
                packAndCheck(makeRandomScenario(families::seedOf(f, i), families[f].spec(i)),
                             QStringLiteral("%1 #%2").arg(QString::fromStdString(families[f].name)).arg(i), tally);
        for (size_t f = 0; f < families::medium().size(); ++f)
            for (int i = 0; i < 12; ++i)
                packAndCheck(families::mediumScenario(f, i),
                             QStringLiteral("%1 #%2").arg(QString::fromStdString(families::medium()[f].name)).arg(i), tally);
        qInfo("packing improved %d starts, %d of them with a split round", tally.improved, tally.split);
        QVERIFY(tally.improved > 100);
    }

    /// The campus at 200 users: the packed plan passes the simulator and splits its first round
    /// (13 users of the 100 ms class finish in time only so).
    void campusSplitRoundPassesTheSimulator()
    {
        Tally tally;
        packAndCheck(campus(200), QStringLiteral("campus 200"), tally);
        QVERIFY(tally.improved > 0);
        QVERIFY(tally.split > 0);
    }

    /// The same start and budget give the same packing.
    void deterministic()
    {
        const Scenario scenario = campus(2000);
        const CostModel model(scenario);
        const Schedule start = planOg(model);
        Schedule first;
        for (int run = 0; run < 2; ++run) {
            SearchControl control;
            WorkMeter meter(control);
            const PackingOutcome packed = packRounds(model, meter, start, 5'000'000);
            QVERIFY(packed.improved);
            if (run == 0)
                first = *packed.improved;
            else {
                QCOMPARE(packed.improved->partitions, first.partitions);
                QCOMPARE(packed.improved->groups, first.groups);
                QCOMPARE(packed.improved->batches.size(), first.batches.size());
            }
        }
    }
};

QTEST_APPLESS_MAIN(TestRoundPacking)
#include "test_roundpacking.moc"
