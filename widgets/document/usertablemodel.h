#pragma once
// The users of the open scenario as a table. Edits become undo commands, not direct changes.

#include <QAbstractTableModel>

namespace coinfer {

class ScenarioDocument;

class UserTableModel : public QAbstractTableModel {
    Q_OBJECT

public:
    enum Column { Id, DeviceClass, DeadlineMs, UplinkRateMbps, TxPowerW, LocalEnergyMj, ColumnCount };

    explicit UserTableModel(ScenarioDocument* document, QObject* parent = nullptr);

    int rowCount(const QModelIndex& parent = {}) const override;
    int columnCount(const QModelIndex& parent = {}) const override;
    QVariant data(const QModelIndex& index, int role = Qt::DisplayRole) const override;
    QVariant headerData(int section, Qt::Orientation orientation, int role = Qt::DisplayRole) const override;
    Qt::ItemFlags flags(const QModelIndex& index) const override;
    /// Validates and pushes an EditUserCommand; refuses an empty or duplicate id and numbers
    /// that are not positive and finite.
    bool setData(const QModelIndex& index, const QVariant& value, int role = Qt::EditRole) override;

    /// Pushes one command that sets @p column to @p value on every row in @p rows (bulk edit).
    bool setColumnForRows(const QList<int>& rows, int column, const QVariant& value);
    /// Pushes commands to add a copy of @p templateRow (or a default user) and to remove rows.
    void addUser(int templateRow);
    void removeUsers(QList<int> rows);

private:
    ScenarioDocument* m_document;
};

} // namespace coinfer
