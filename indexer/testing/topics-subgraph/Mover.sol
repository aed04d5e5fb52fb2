// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// Emits a note and an event with three indexed topics, so that handlers can filter on each topic.
contract Mover {
    event Noted(string note);
    event Moved(address indexed from, address indexed to, uint256 indexed id, uint256 amount);

    function move(address to, uint256 id, uint256 amount) external {
        emit Noted("moving");
        emit Moved(msg.sender, to, id, amount);
    }
}
