// CSV: one reader and writer for every CSV file (core/io/csv.h). Traces and
// sweep CSVs read a UTF-8 byte order mark and RFC 4180 quoting; the per-user export neutralises
// formula prefixes; an arrival trace with only its header is refused (item 4).
#include "core/io/csv.h"
#include "core/io/planio.h"
#include "core/io/traceio.h"
#include "core/sweep/sweep.h"

#include <QTest>

using namespace coinfer;

namespace {

const std::string kBom = "\xEF\xBB\xBF";

std::vector<std::string> record(std::string_view text, bool* closed = nullptr)
{
    size_t pos = 0;
    long long lines = 0;
    std::vector<std::string> fields;
    const bool ok = readCsvRecord(text, pos, fields, lines);
    if (closed)
        *closed = ok;
    return fields;
}

} // namespace

class TestCsv : public QObject {
    Q_OBJECT

private slots:
    void recordsFollowRfc4180()
    {
        QCOMPARE(record("a,b,c\n"), (std::vector<std::string>{"a", "b", "c"}));
        QCOMPARE(record("\"a,b\",\"say \"\"hi\"\"\",\r\n"), (std::vector<std::string>{"a,b", "say \"hi\"", ""}));
        QCOMPARE(record("\"two\nlines\",x"), (std::vector<std::string>{"two\nlines", "x"}));
        bool closed = true;
        record("\"open,x\n", &closed);
        QVERIFY(!closed);
        // Line breaks inside quotes count, so errors name the line a record starts on.
        size_t pos = 0;
        long long lines = 1;
        std::vector<std::string> fields;
        QVERIFY(readCsvRecord("\"a\nb\",1\nnext\n", pos, fields, lines));
        QCOMPARE(lines, 3LL);
        QVERIFY(readCsvRecord("\"a\nb\",1\nnext\n", pos, fields, lines));
        QCOMPARE(fields, std::vector<std::string>{"next"});
    }

    void aByteOrderMarkIsSkipped()
    {
        QCOMPARE(withoutUtf8Bom(kBom + "user"), std::string_view("user"));
        QCOMPARE(withoutUtf8Bom("user"), std::string_view("user"));
        QCOMPARE(withoutUtf8Bom("\xEF\xBB"), std::string_view("\xEF\xBB"));
    }

    void fieldsAreQuotedAndFormulasNeutralised_data()
    {
        QTest::addColumn<QString>("value");
        QTest::addColumn<QString>("plain");
        QTest::addColumn<QString>("text");
        QTest::newRow("plain") << "ana"
                               << "ana"
                               << "ana";
        QTest::newRow("comma") << "a,b"
                               << "\"a,b\""
                               << "\"a,b\"";
        QTest::newRow("quote") << "say \"hi\""
                               << "\"say \"\"hi\"\"\""
                               << "\"say \"\"hi\"\"\"";
        QTest::newRow("=") << "=1+2"
                           << "=1+2"
                           << "\"'=1+2\"";
        QTest::newRow("+") << "+1"
                           << "+1"
                           << "\"'+1\"";
        QTest::newRow("-") << "-2"
                           << "-2"
                           << "\"'-2\"";
        QTest::newRow("@") << "@SUM(A1)"
                           << "@SUM(A1)"
                           << "\"'@SUM(A1)\"";
        QTest::newRow("tab") << "\tx"
                             << "\tx"
                             << "\"'\tx\"";
        QTest::newRow("= with a comma") << "=HYPERLINK(\"x\",1)"
                                        << "\"=HYPERLINK(\"\"x\"\",1)\""
                                        << "\"'=HYPERLINK(\"\"x\"\",1)\"";
        QTest::newRow("inside only") << "a=b"
                                     << "a=b"
                                     << "a=b";
        QTest::newRow("empty") << ""
                               << ""
                               << "";
    }

    void fieldsAreQuotedAndFormulasNeutralised()
    {
        QFETCH(QString, value);
        QFETCH(QString, plain);
        QFETCH(QString, text);
        QCOMPARE(QString::fromStdString(csvField(value.toStdString())), plain);
        QCOMPARE(QString::fromStdString(csvTextField(value.toStdString())), text);
        // What the writer quotes, the reader gives back (the neutralising quote included).
        QCOMPARE(record(csvField(value.toStdString()) + "\n"), std::vector<std::string>{value.toStdString()});
    }

    void tracesReadQuotesAndAByteOrderMark()
    {
        const std::vector<std::string> ids{"ana", "a,b", "say \"hi\""};
        const std::string text =
            kBom + "user,release_ms,deadline_ms\r\n\"ana\",0,50\r\n\"a,b\",1,20\r\n\"say \"\"hi\"\"\", 2 ,30\r\n";
        Expected<std::vector<TraceArrival>> trace = parseArrivalTrace(text, "t.csv", ids, 1000);
        QVERIFY2(trace.has_value(), trace ? "" : trace.error().message.c_str());
        QCOMPARE(trace->size(), size_t(3));
        QVERIFY(((*trace)[0] == TraceArrival{0, 0, 50}));
        QVERIFY(((*trace)[1] == TraceArrival{1, 1, 20}));
        QVERIFY(((*trace)[2] == TraceArrival{2, 2, 30}));
    }

    void badTracesAreNamed_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<QString>("fragment");
        // A header alone must not be taken for "no trace" (generated arrivals would run instead).
        QTest::newRow("header only") << "user,release_ms,deadline_ms\n"
                                     << "t.csv: has no arrivals, only the header";
        QTest::newRow("header and blank lines") << "user,release_ms,deadline_ms\n\n\r\n"
                                                << "t.csv: has no arrivals";
        QTest::newRow("BOM and header") << QString::fromStdString(kBom) + "user,release_ms,deadline_ms"
                                        << "t.csv: has no arrivals";
        QTest::newRow("unclosed quote") << "user,release_ms,deadline_ms\nana,0,1\n\"ana,1,2\n"
                                        << "t.csv: line 3: a quoted field is not closed";
        QTest::newRow("line after a quoted break") << "user,release_ms,deadline_ms\n\"an\na\",0,1\nzoe,1,2\n"
                                                   << "t.csv: line 2, column 1 (user): unknown user 'an\na'";
        QTest::newRow("line counts quoted breaks") << "user,release_ms,deadline_ms\n\"x\ny\",0,1\nzoe,1,2\n"
                                                   << "t.csv: line 4, column 1 (user): unknown user 'zoe'";
        QTest::newRow("empty") << ""
                               << "t.csv: line 1: is empty";
    }

    void badTracesAreNamed()
    {
        QFETCH(QString, text);
        QFETCH(QString, fragment);
        Expected<std::vector<TraceArrival>> trace = parseArrivalTrace(text.toStdString(), "t.csv", {"ana", "x\ny"}, 1000);
        QVERIFY(!trace.has_value());
        QVERIFY2(trace.error().message.find(fragment.toStdString()) != std::string::npos, trace.error().message.c_str());
    }

    void sweepCsvReadsAByteOrderMarkAndCrlf()
    {
        SweepRow row;
        row.parameter = "users";
        row.value = 10;
        row.algorithm = "og";
        row.planned = true;
        row.energyMj = 5;
        row.localEnergyMj = 9;
        std::string text = sweepRowsToCsv({row});
        Expected<std::vector<SweepRow>> plain = parseSweepCsv(text, "s.csv");
        QVERIFY2(plain.has_value(), plain ? "" : plain.error().message.c_str());
        std::string crlf;
        for (char c : text)
            crlf += c == '\n' ? std::string("\r\n") : std::string(1, c);
        Expected<std::vector<SweepRow>> saved = parseSweepCsv(kBom + crlf, "s.csv");
        QVERIFY2(saved.has_value(), saved ? "" : saved.error().message.c_str());
        QCOMPARE(sweepRowsToCsv(*saved), text);
        // A byte order mark anywhere else is still refused.
        QVERIFY(!parseSweepCsv("x" + kBom + text, "s.csv").has_value());
    }

    void thePerUserCsvNeutralisesFormulaIds()
    {
        Scenario scenario;
        Plan plan;
        for (const char* id : {"ana", "=HYPERLINK(\"http://x\",\"y\")", "+1", "-1", "@a", "b,c", "say \"hi\"", "two\nlines"}) {
            User user;
            user.id = id;
            scenario.users.push_back(user);
            plan.users.push_back(UserOutcome{1, 0, 2.5, 0, 1, 3, 10});
        }
        const std::string csv = planToPerUserCsv(scenario, plan);
        size_t pos = 0;
        long long lines = 0;
        std::vector<std::string> fields;
        QVERIFY(readCsvRecord(csv, pos, fields, lines));
        QCOMPARE(fields.front(), std::string("id"));
        const std::vector<std::string> shown{
            "ana", "'=HYPERLINK(\"http://x\",\"y\")", "'+1", "'-1", "'@a", "b,c", "say \"hi\"", "two\nlines"};
        for (const std::string& id : shown) {
            QVERIFY(readCsvRecord(csv, pos, fields, lines));
            QCOMPARE(fields.size(), size_t(8));
            QCOMPARE(fields[0], id);
            QCOMPARE(fields[3], std::string("2.5"));
        }
        QCOMPARE(pos, csv.size()); // one record per user, a quoted line break included
        QVERIFY(csv.find("\"'=HYPERLINK(\"\"http://x\"\",\"\"y\"\")\",1,0,") != std::string::npos);
    }
};

QTEST_APPLESS_MAIN(TestCsv)
#include "test_csv.moc"
