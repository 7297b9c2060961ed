// coinfer-gui [--screenshot OUT.png] [--page PAGE] [--vary NAME=VALUES] [--at-ms MS] [SCENARIO.json]
#include "widgets/document/planrunner.h"
#include "widgets/document/scenariodocument.h"
#include "widgets/views/mainwindow.h"
#include "widgets/views/onlineview.h"
#include "widgets/views/presentationwindow.h"
#include "widgets/views/scheduleplayer.h"
#include "widgets/views/sweepview.h"

#include <QApplication>
#include <QCommandLineParser>
#include <QTimer>

#include <cstdio>

int main(int argc, char** argv)
{
    QApplication app(argc, argv);
    QApplication::setOrganizationName("Coinfer");
    QApplication::setApplicationName("coinfer-gui");
    QApplication::setApplicationVersion(COINFER_VERSION);

    QCommandLineParser parser;
    parser.setApplicationDescription("Plan multi-user co-inference with a batching edge GPU.");
    parser.addHelpOption();
    parser.addVersionOption();
    QCommandLineOption screenshot("screenshot", "Open, plan, save the main window as PNG to <file> and quit.", "file");
    parser.addOption(screenshot);
    QCommandLineOption page("page", "The page to show: comparison (default), plan, dnn, online or sweep.", "page", "comparison");
    parser.addOption(page);
    QCommandLineOption vary("vary", "With --page sweep: run the sweep NAME=VALUES (e.g. users=20:200:20) on opening.", "NAME=VALUES");
    parser.addOption(vary);
    QCommandLineOption algorithms("algorithms", "With --vary: the planners (e.g. local,ip-ssa,og,best).", "list");
    parser.addOption(algorithms);
    QCommandLineOption repeats("repeats", "With --vary: the repeats of each value (default 1, as coinfer sweep).", "k", "1");
    parser.addOption(repeats);
    QCommandLineOption seed("seed", "With --vary: the seed of the repeats' draws (default 1, as coinfer sweep).", "s", "1");
    parser.addOption(seed);
    QCommandLineOption present("present", "Open presentation mode at walkthrough step <n> (0 to 3).", "n");
    parser.addOption(present);
    QCommandLineOption atMs("at-ms", "With --page online: run the episode and stop its player at <ms> (default: mid-episode).", "ms");
    parser.addOption(atMs);
    parser.addPositionalArgument("scenario", "Scenario file to open (default: the built-in classroom example).");
    parser.process(app);

    const QStringList pages{"comparison", "plan", "dnn", "online", "sweep"};
    if (!pages.contains(parser.value(page))) {
        std::fprintf(stderr, "coinfer-gui: unknown page \"%s\"; the pages are %s\n", qPrintable(parser.value(page)),
                     qPrintable(pages.join(", ")));
        return 2;
    }

    const bool sweepPage = parser.value(page) == "sweep";
    bool atMsOk = true;
    const double atMsValue = parser.isSet(atMs) ? parser.value(atMs).toDouble(&atMsOk) : -1;
    if (parser.isSet(atMs) && (parser.value(page) != "online" || !atMsOk || atMsValue < 0)) {
        std::fprintf(stderr, "coinfer-gui: --at-ms needs --page online and a time of at least 0 ms, not \"%s\"\n", qPrintable(parser.value(atMs)));
        return 2;
    }
    for (const QCommandLineOption* option : {&vary, &algorithms, &repeats, &seed})
        if (parser.isSet(*option) && !sweepPage) {
            std::fprintf(stderr, "coinfer-gui: --%s needs --page sweep\n", qPrintable(option->names().front()));
            return 2;
        }
    bool repeatsOk = false, seedOk = false;
    const int repeatCount = parser.value(repeats).toInt(&repeatsOk);
    const int seedValue = parser.value(seed).toInt(&seedOk);
    if (!repeatsOk || repeatCount < 1 || repeatCount > 1000) {
        std::fprintf(stderr, "coinfer-gui: --repeats must be a whole number from 1 to 1000, not \"%s\"\n", qPrintable(parser.value(repeats)));
        return 2;
    }
    if (!seedOk || seedValue < 1) {
        std::fprintf(stderr, "coinfer-gui: --seed must be a positive whole number, not \"%s\"\n", qPrintable(parser.value(seed)));
        return 2;
    }

    coinfer::MainWindow window;
    const QStringList files = parser.positionalArguments();
    const bool shoot = parser.isSet(screenshot);
    if (files.isEmpty()) {
        window.openBuiltInExample();
    } else if (const coinfer::Expected<void> opened = window.openFile(files.front(), shoot); !opened) {
        if (shoot) { // the CLI's words: the file, the field's path and the problem
            std::fprintf(stderr, "coinfer-gui: %s\n", opened.error().message.c_str());
            return 2;
        }
        window.openBuiltInExample();
    }
    if (parser.isSet(present)) {
        auto* presentation = new coinfer::PresentationWindow(window.document()->scenario());
        presentation->setAttribute(Qt::WA_DeleteOnClose);
        const int step = parser.value(present).toInt();
        const QString out = shoot ? parser.value(screenshot) : QString();
        QObject::connect(presentation, &coinfer::PresentationWindow::ready, presentation, [presentation, step, out] {
            for (int k = 0; k < step; ++k)
                presentation->walkthrough().next();
            presentation->showStep();
            if (!out.isEmpty())
                QTimer::singleShot(200, presentation, [presentation, out] { QApplication::exit(presentation->grab().save(out) ? 0 : 2); });
        });
        presentation->resize(1280, 720);
        presentation->show();
        return app.exec();
    }
    window.showPage(static_cast<int>(pages.indexOf(parser.value(page))));
    window.show();
    if (parser.value(page) == "sweep" && (shoot || parser.isSet(vary))) {
        // The sweep asked for, or the page's own default one, runs; the shot waits for it.
        const QString request = parser.isSet(vary) ? parser.value(vary) : QString();
        const qsizetype equals = request.indexOf('=');
        coinfer::SweepView* sweep = window.sweepView();
        if (parser.isSet(vary) && equals <= 0) {
            std::fprintf(stderr, "coinfer-gui: --vary takes NAME=VALUES, not \"%s\"\n", qPrintable(request));
            return 2;
        }
        const coinfer::Expected<void> started = sweep->runSweep(equals > 0 ? request.left(equals) : sweep->currentParameter(),
                                                               equals > 0 ? request.mid(equals + 1) : sweep->currentValues(),
                                                               parser.value(algorithms), repeatCount, seedValue);
        if (!started) {
            std::fprintf(stderr, "coinfer-gui: %s\n", started.error().message.c_str());
            return 2;
        }
        if (shoot) {
            const QString out = parser.value(screenshot);
            QObject::connect(sweep, &coinfer::SweepView::finished, &window, [&window, out] {
                QTimer::singleShot(200, &window, [&window, out] { QApplication::exit(window.grab().save(out) ? 0 : 2); });
            });
        }
        return app.exec();
    }
    coinfer::OnlineView* online = window.onlineView();
    if (parser.value(page) == "online" && (shoot || parser.isSet(atMs)) && online->hasOnlineBlock()) {
        // The episode runs, its player stops at the time asked for (mid-episode by default),
        // then the shot is taken.
        const QString out = shoot ? parser.value(screenshot) : QString();
        QObject::connect(online, &coinfer::OnlineView::episodeShown, &window, [&window, online, out, atMsValue] {
            coinfer::SchedulePlayer* player = online->player();
            player->seek(atMsValue >= 0 ? atMsValue : player->endMs() / 2);
            if (!out.isEmpty())
                QTimer::singleShot(200, &window, [&window, out] { QApplication::exit(window.grab().save(out) ? 0 : 2); });
        });
        online->runEpisode();
        return app.exec();
    }
    if (shoot) {
        const QString out = parser.value(screenshot);
        QObject::connect(window.runner(), &coinfer::PlanRunner::finished, &window, [&window, out] {
            // Let the chart and table lay out once before grabbing.
            QTimer::singleShot(100, &window, [&window, out] {
                const bool saved = window.grab().save(out);
                QApplication::exit(saved ? 0 : 2);
            });
        });
        window.planNow();
    }
    return app.exec();
}
