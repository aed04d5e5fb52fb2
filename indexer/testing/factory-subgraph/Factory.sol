// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A child contract: every tick is an event the subgraph's template indexes.
contract Child {
    event Tick(uint256 value);

    function tick(uint256 value) external {
        emit Tick(value);
    }
}

/// Creates children. A child ticks once before its creation is announced, in the same transaction.
contract Factory {
    event ChildCreated(address child, string label, uint256 serial);

    uint256 public created;

    function create(string calldata label, uint256 firstTick) external returns (address) {
        Child child = new Child();
        child.tick(firstTick);
        created += 1;
        emit ChildCreated(address(child), label, created);
        return address(child);
    }

    /// Announces an existing child again: the subgraph creates the same data source twice.
    function announce(address child, string calldata label, uint256 serial) external {
        emit ChildCreated(child, label, serial);
    }
}
