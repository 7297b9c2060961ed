// The sweep summary that the app's chart, `coinfer sweep summarize` and scripts/plot_sweep.py
// all draw: feasible repeats averaged with their count, late plans apart, gaps against the
// strongest bound of the point, and its CSV.
#include "core/sweep/sweepsummary.h"

#include <QtTest>

using namespace coinfer;

namespace {

SweepRow row(double value, int repeat, const std::string& algorithm, double energyMj, bool feasible)
{
    SweepRow r;
    r.parameter = "users";
    r.value = value;
    r.repeat = repeat;
    r.algorithm = algorithm;
    r.planned = true;
    r.energyMj = energyMj;
    r.feasible = feasible;
    return r;
}

} // namespace

class TestSweepSummary : public QObject {
    Q_OBJECT

private slots:
    void averagesFeasiblePlansOnlyAndCountsThem()
    {
        const std::vector<SweepRow> rows{row(10, 0, "og", 5, true), row(10, 1, "og", 7, true), row(10, 2, "og", 1, false),
                                         row(20, 0, "og", 9, true), row(10, 0, "local", 12, true)};
        const std::vector<SweepSummary> summary = summarizeSweep(rows, SweepMeasure::EnergyMj);
        QCOMPARE(summary.size(), size_t(2));
        QCOMPARE(summary[0].planner, std::string("local")); // allAlgorithms() order
        const SweepSummary& og = summary[1];
        QCOMPARE(og.points.size(), size_t(2));
        QCOMPARE(og.points[0].rows, 2);
        QCOMPARE(og.points[0].mean, 6.0);
        QCOMPARE(og.points[0].least, 5.0);
        QCOMPARE(og.points[0].most, 7.0);
        QCOMPARE(og.points[0].lateRows, 1);
        QCOMPARE(og.points[0].lateMean, 1.0);
        QCOMPARE(og.points[1].value, 20.0);
    }

    void gapsAreAgainstTheStrongestBoundOfThePoint()
    {
        std::vector<SweepRow> bounded{row(10, 0, "og", 120, true), row(10, 0, "best", 110, true)};
        bounded[0].lowerBoundMj = 80;
        bounded[1].lowerBoundMj = 100;
        const std::vector<SweepSummary> gaps = summarizeSweep(bounded, SweepMeasure::GapPercent);
        QCOMPARE(gaps.size(), size_t(2));
        QCOMPARE(gaps[0].planner, std::string("og"));
        QCOMPARE(gaps[0].points[0].mean, 20.0); // against best's 100, not og's own 80
        QCOMPARE(gaps[1].points[0].mean, 10.0);
    }

    void rowsWithoutANumberAreLeftOut()
    {
        SweepRow unplanned = row(10, 1, "og", 0, false);
        unplanned.planned = false;
        const std::vector<SweepRow> rows{row(10, 0, "og", 5, true), unplanned};
        const std::vector<SweepSummary> energy = summarizeSweep(rows, SweepMeasure::EnergyMj);
        QCOMPARE(energy.size(), size_t(1));
        QCOMPARE(energy[0].points[0].rows, 1);
        QCOMPARE(energy[0].points[0].lateRows, 0);
        // No bound anywhere: no gap, so no point at all.
        QVERIFY(summarizeSweep(rows, SweepMeasure::GapPercent).empty());
    }

    void measureNamesRoundTrip()
    {
        for (SweepMeasure measure : {SweepMeasure::EnergyMj, SweepMeasure::SavingPercent, SweepMeasure::GapPercent})
            QCOMPARE(sweepMeasureFromName(sweepMeasureName(measure)), std::optional<SweepMeasure>(measure));
        QCOMPARE(sweepMeasureFromName("energy_mj"), std::optional<SweepMeasure>());
    }

    void csvSaysHowManyRepeatsEachMeanIsOver()
    {
        const std::vector<SweepRow> rows{row(10, 0, "og", 5, true), row(10, 1, "og", 7.5, true), row(10, 2, "og", 1, false),
                                         row(20, 0, "og", 2, false), row(10, 0, "local", 12, true)};
        const std::string csv = sweepSummaryToCsv(summarizeSweep(rows, SweepMeasure::EnergyMj));
        QCOMPARE(csv, std::string("algorithm,value,feasible_repeats,mean,min,max,late_repeats,late_mean\n"
                                  "local,10,1,12,12,12,0,\n"
                                  "og,10,2,6.25,5,7.5,1,1\n"
                                  "og,20,0,,,,1,2\n"));
    }
};

QTEST_APPLESS_MAIN(TestSweepSummary)
#include "test_sweepsummary.moc"
