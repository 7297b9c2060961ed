#pragma once
// The main window's pages, in the order of its tabs, and the names coinfer-gui's --page takes.

#include "core/util/expected.h"

#include <QString>
#include <QStringList>

namespace coinfer {

/// A page of the main window; the value is its tab's index.
enum class MainPage {
    Comparison, ///< the planners side by side
    Plan,       ///< one plan's charts and timeline
    Dnn,        ///< the network's sub-tasks and the edge's batch curves
    Online,     ///< an episode over time and DDPG training
    Sweep,      ///< one parameter varied across planners
    Count,      ///< the number of pages, not a page
};

/// The command-line name of @p page ("comparison", "plan", "dnn", "online", "sweep"). O(1).
QString mainPageName(MainPage page);
/// Every page's command-line name, in tab order. O(pages).
QStringList mainPageNames();
/// The page called @p name (exactly as mainPageName writes it), or a BadInput error that
/// quotes @p name and lists the valid names. O(pages).
Expected<MainPage> parseMainPage(const QString& name);

} // namespace coinfer
