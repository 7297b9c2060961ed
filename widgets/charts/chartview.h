#pragma once
// The one adapter between the views and the plotting library: a chart widget that speaks in
// the views' terms (bar and line series, axes, a legend, clicks, files). Only the chartview
// sources include qcustomplot.h, so no other file pays for compiling it and no view depends on
// how the chart is drawn (docs/architecture.md).

#include <QColor>
#include <QEnterEvent>
#include <QEvent>
#include <QKeyEvent>
#include <QObject>
#include <QPen>
#include <QPixmap>
#include <QPoint>
#include <QRect>
#include <QResizeEvent>
#include <QShowEvent>
#include <QSize>
#include <QString>
#include <QVector>
#include <QWidget>

#include <map>
#include <optional>
#include <utility>

class QCPBarsGroup;
class QCPRange;
class QCPItemRect;
class QCPItemText;
class QCPTextElement;
class QCustomPlot;

namespace coinfer {

/// An axis of a chart: the keys along the bottom, the values on the left or on the right.
enum class ChartAxis { Bottom, Left, Right };

/// Where a chart's legend sits.
enum class LegendPlacement {
    Hidden,         ///< the default
    InsideTopRight, ///< over the plot, in its top right corner
    Below,          ///< in rows of their own under the plot, entries side by side and wrapped to the
                    ///< chart's width: never over the data, however many entries
};

/// How a line joins its points.
enum class LineJoin {
    Straight,
    StepLeft, ///< each value holds until the next point's key
    None,     ///< markers only
};

/// The marker drawn at each point of a line.
enum class PointMarker { None, Disc, Triangle };

/// Bars at keys @c x with heights @c y.
struct BarSeries {
    QString name{}; ///< the legend's text
    QVector<double> x{}, y{};
    QColor fill{};
    bool outlined = true; ///< false: no outline (else a thin one, darker than the fill)
    double width = 0.75;  ///< in key units
    int stackedOn = -1;   ///< index of a bar series these bars sit on top of, or -1
    int group = -1;       ///< bar series of one group (>= 0) stand side by side at each key
    bool inLegend = true;
};

/// Points at keys @c x with values @c y, joined by a line.
struct LineSeries {
    QString name{}; ///< the legend's text
    QVector<double> x{}, y{};
    QPen pen{};
    LineJoin join = LineJoin::Straight;
    PointMarker marker = PointMarker::None;
    double markerSize = 6;
    QColor markerColour{};                 ///< invalid: the pen's
    ChartAxis valueAxis = ChartAxis::Left; ///< Left or Right
    bool inLegend = true;                  ///< false: named only by hovering
};

/// A shaded band between @c lower and @c upper at keys @c x (e.g. a min-max range over repeats).
struct BandSeries {
    QString name{}; ///< for hover texts ("best, min-max")
    QVector<double> x{}, lower{}, upper{};
    QColor fill{};
};

/// A chart. Series are drawn in the order they are added and keep their index until clear().
/// Changes show after replot().
///
/// Interaction, as in PlotJuggler: drag pans, the wheel zooms, Ctrl+drag zooms to a box,
/// double-click (or Home) goes back to the ranges of the last replot(), hovering shows the
/// series, key and value under the mouse, and clicking a legend entry hides or shows its series.
class ChartView : public QWidget {
    Q_OBJECT

public:
    /// The user's zoom keeps each axis' span between these shares of its fitted span.
    static constexpr double kLeastZoomShare = 1e-2;
    static constexpr double kMostZoomOut = 4;
    /// How far beyond its fitted range an axis may be panned, as a share of that range.
    static constexpr double kPanMargin = 0.1;

    explicit ChartView(QWidget* parent = nullptr);
    ~ChartView() override;

    /// Names an axis; naming the right one also shows it (it is hidden until then).
    void setAxisLabel(ChartAxis axis, const QString& label);
    void setAxisRange(ChartAxis axis, double lower, double upper);
    /// Moves the lower end of @p axis, keeping the upper one.
    void setAxisLower(ChartAxis axis, double lower);
    /// The range shown on @p axis: {lower, upper}.
    std::pair<double, double> axisRange(ChartAxis axis) const;
    /// Fits every axis that carries a series to the data it shows. O(points).
    void fitAxesToData();
    /// Text under the bottom axis instead of numbers: @p labels[i] at key @p keys[i], turned by
    /// @p rotationDegrees (0: level).
    void setKeyLabels(const QVector<double>& keys, const QVector<QString>& labels, double rotationDegrees = 0);
    /// Shows the legend at @p placement. Called once, while the chart is set up.
    void setLegend(LegendPlacement placement);
    /// Ticks on @p axis only at whole numbers (counts, partition points, batch sizes), never
    /// at 2.5; the step grows as 1, 2, 5, 10, ... when the range is wide.
    void setIntegerTicks(ChartAxis axis);
    /// The tick positions on @p axis as last drawn (after replot()).
    QVector<double> ticks(ChartAxis axis) const;

    /// Adds bars; returns their index among the bar series. O(points).
    int addBars(const BarSeries& series);
    /// Adds a line; returns its index among the lines. O(points).
    int addLine(const LineSeries& series);
    /// Adds a band; it takes two line indices (its lower and its upper edge), is not in the
    /// legend, and the first index is returned. O(points).
    int addBand(const BandSeries& series);
    /// Appends one point to line @p line. O(1) amortised.
    void appendToLine(int line, double x, double y);
    /// Removes the points of line @p line; the line itself stays, with its name and style.
    void clearLine(int line);
    /// Removes every series.
    void clear();
    /// Marks the key of data point @p index of the first bar series (-1: none) and replots;
    /// does nothing while there is no series. Same as markKey() at that key, a bar wide.
    void highlightBars(int index);
    /// Marks @p key with an outline @p widthInKeys wide (0: a vertical line) over the whole
    /// height of the plot, in palette::selection(); every fill keeps its colour. Replots.
    void markKey(double key, double widthInKeys);
    /// Removes the mark; replots.
    void clearMark();
    /// A sentence in the middle of the plot (empty: none), for a chart with nothing to draw.
    /// Shows after replot().
    void setNote(const QString& note);
    /// A sentence in a row of its own above the plot (empty: none), for a chart whose data
    /// stays on show, e.g. that it is stale: never drawn over the data. Shows after replot().
    void setNoteAbove(const QString& note);
    /// The note in the plot, else the one above it; empty when neither shows.
    QString note() const;
    /// The key marked, if any.
    std::optional<double> markedKey() const;

    /// Legend entries, in the order their series were added (hidden series included).
    int legendEntryCount() const;
    /// Hides the series of legend entry @p entry if shown, shows it if hidden (as a click on the
    /// entry does); a hidden series' entry turns grey. Replots.
    void toggleLegendEntry(int entry);
    /// Whether the series of legend entry @p entry is drawn.
    bool legendEntryShown(int entry) const;
    /// Where legend entry @p entry is, in this widget's coordinates.
    QRect legendEntryRect(int entry) const;
    /// Goes back to the ranges of the last replot() (the view before any pan or zoom).
    void fitView();
    /// What hovering at @p position (this widget's coordinates) shows: the series' name, the key
    /// (its label when the axis has text labels) and the value; empty away from data.
    QString hoverText(QPoint position) const;
    /// The line and the point of it under @p position (widget coordinates), within a few
    /// pixels; nullopt over anything else, a band or a hidden line. O(points of the lines).
    std::optional<std::pair<int, int>> linePointAt(QPoint position) const;
    /// Where point @p index of line @p line is drawn, in widget coordinates. O(1).
    QPoint linePointPosition(int line, int index) const;
    /// Draws the chart again with every change since the last replot.
    void replot();

    int barSeriesCount() const;
    int lineCount() const;
    /// Bar series @p index as drawn: name, points, fill, width (read back from the chart).
    BarSeries barSeries(int index) const;
    /// Line @p index as drawn: name, points, pen, axis (read back from the chart).
    LineSeries line(int index) const;
    /// Where the plot area (axes included) and the legend are, in this widget's coordinates.
    QRect plotRect() const;
    QRect legendRect() const;

    /// Writes the chart at @p width x @p height as PNG, JPEG, PDF or SVG, chosen by @p path's
    /// extension (PNG for any other). False, and nothing usable written, on failure.
    bool save(const QString& path, int width = 900, int height = 500) const;
    /// The chart laid out at @p width x @p height and drawn @p scale times as large (a pixmap
    /// of width x scale by height x scale): text stays readable when a page prints it large.
    QPixmap toPixmap(int width, int height, double scale = 1.0) const;

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override;

    /// Whether the pointer is over the chart (between its Enter and Leave events): a view that
    /// redraws as data arrive holds its axes meanwhile, so that a point aimed at stays put.
    bool pointerInside() const { return m_pointerInside; }

signals:
    /// A bar or a point of any series was clicked; @p index is its position in its series.
    void dataClicked(int index);
    /// Point @p index of line @p line was clicked (pressed and released without a drag).
    void linePointClicked(int line, int index);
    /// The pointer left the chart.
    void pointerLeft();

protected:
    void enterEvent(QEnterEvent* event) override;
    void leaveEvent(QEvent* event) override;
    void resizeEvent(QResizeEvent* event) override;
    void keyPressEvent(QKeyEvent* event) override;
    void showEvent(QShowEvent* event) override;

private:
    void setUpInteraction();
    /// Keeps @p axis on its data: a span from kLeastZoomShare to kMostZoomOut times the fitted
    /// range; a view narrower than the fitted range plus kPanMargin on each side stays inside
    /// it, a wider one is centred on the data. A view of nothing but empty axes cannot be reached.
    void limitRange(ChartAxis axis, const QCPRange& range);
    bool m_settingRanges = false; ///< true while the program, not the user, sets a range
    /// save() once the legend fits @p width.
    bool saveAs(const QString& path, int width, int height) const;
    /// Wraps a legend below the plot to as many entries a row as @p width (pixels) holds.
    void wrapLegend(int width) const;
    void rememberView();
    /// Replots now, or when the chart shows if its window shows but it does not.
    void draw();

    QCustomPlot* m_plot;
    std::map<int, QCPBarsGroup*> m_groups; ///< BarSeries::group -> the library's group
    LegendPlacement m_legendPlacement = LegendPlacement::Hidden;
    bool m_drawPending = false;
    bool m_pointerInside = false;
    int m_tickRefits = 0; ///< replots queued since the last replot() because the tick counts changed
    QCPItemRect* m_mark = nullptr;
    QCPItemText* m_note = nullptr;
    QCPTextElement* m_noteAbove = nullptr;
    std::optional<double> m_markedKey;
    QPoint m_pressedAt;                                          ///< where the left button went down, to tell a click from a drag
    std::map<double, QString> m_keyLabels;                       ///< the bottom axis' text labels, for hover text
    std::map<ChartAxis, std::pair<double, double>> m_homeRanges; ///< the ranges fitView() restores
};

} // namespace coinfer
