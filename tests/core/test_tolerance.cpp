// The tests' shared tolerance: relative for large numbers, absolute near 0, and a one-sided
// "at most" that forgives rounding only.
#include "tests/common/tolerance.h"

#include <QTest>

using coinfer::testing::atMost;
using coinfer::testing::nearlyEqual;

class TestTolerance : public QObject {
    Q_OBJECT

private slots:
    void nearlyEqualIsRelativeAboveOneAndAbsoluteBelow()
    {
        QVERIFY(nearlyEqual(1e6, 1e6 + 1e-4));
        QVERIFY(!nearlyEqual(1e6, 1e6 + 1e-2));
        QVERIFY(nearlyEqual(0.0, 5e-10));
        QVERIFY(!nearlyEqual(0.0, 2e-9));
        QVERIFY(nearlyEqual(1e6 + 1e-4, 1e6)); // symmetric
        QVERIFY(nearlyEqual(1.0, 1.0 + 1e-13, 1e-12));
        QVERIFY(!nearlyEqual(1.0, 1.0 + 1e-11, 1e-12));
    }

    void atMostForgivesRoundingOnly()
    {
        QVERIFY(atMost(99.0, 100.0));
        QVERIFY(atMost(100.0 * (1 + 1e-12), 100.0));
        QVERIFY(!atMost(100.0 * (1 + 1e-6), 100.0));
        QVERIFY(atMost(1e-10, 0.0));
        QVERIFY(!atMost(1e-8, 0.0));
    }
};

QTEST_APPLESS_MAIN(TestTolerance)
#include "test_tolerance.moc"
