// The one trim of the project: which blanks it takes off, and which it keeps.
#include "core/util/text.h"

#include <QtTest>

using namespace coinfer;

class TestText : public QObject {
    Q_OBJECT

private slots:
    void trimmedTakesOffSpacesTabsAndCarriageReturns_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("expected");
        QTest::newRow("plain") << "50"
                               << "50";
        QTest::newRow("spaces") << "  50 "
                                << "50";
        QTest::newRow("tabs") << "\t50\t"
                              << "50";
        QTest::newRow("CRLF cell") << "50\r"
                                   << "50";
        QTest::newRow("inner blanks kept") << " 5 0 "
                                           << "5 0";
        QTest::newRow("only blanks") << " \t\r "
                                     << "";
        QTest::newRow("empty") << ""
                               << "";
        // A line feed ends a record: a value holding one is malformed, and stays so.
        QTest::newRow("line feed kept") << "50\n"
                                        << "50\n";
        QTest::newRow("form feed kept") << "\f50"
                                        << "\f50";
    }

    void trimmedTakesOffSpacesTabsAndCarriageReturns()
    {
        QFETCH(QString, text);
        QFETCH(QString, expected);
        QCOMPARE(QString::fromStdString(trimmed(text.toStdString())), expected);
    }
};

QTEST_APPLESS_MAIN(TestText)
#include "test_text.moc"
