// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A test contract for call handlers: `add` is the function handlers watch; it also logs an event, so a
/// transaction's events and calls can be ordered against each other.
contract Counter {
    uint256 public total;

    event Added(address indexed by, uint256 amount);

    function add(uint256 amount, string calldata note) external returns (uint256 newTotal, bool even) {
        note;
        total += amount;
        emit Added(msg.sender, amount);
        return (total, total % 2 == 0);
    }
}

/// Calls a Counter from a contract: internal call frames, one that reverts with its transaction, and one that
/// reverts inside a transaction that succeeds.
contract Caller {
    function addTwice(Counter counter, uint256 amount) external {
        counter.add(amount, "first");
        counter.add(amount + 1, "second");
    }

    function addThenRevert(Counter counter, uint256 amount) external {
        counter.add(amount, "undone");
        revert("undone on purpose");
    }

    /// The first `add` is undone with the frame that made it; the second takes effect.
    function addAfterRevert(Counter counter, uint256 amount) external {
        try this.addThenRevert(counter, amount) {} catch {
            counter.add(amount * 10, "after");
        }
    }
}
