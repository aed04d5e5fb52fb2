// SPDX-License-Identifier: MIT
pragma solidity ^0.8.20;

/// A test contract for handlers that read the chain: it stores a number and says so; its views answer from
/// that number, one reverts on purpose, and one is overloaded.
contract Vault {
    uint256 public stored;

    event Stored(address indexed by, uint256 value);

    function store(uint256 value) external payable {
        stored = value;
        emit Stored(msg.sender, value);
    }

    /// Two events in one transaction: handlers in one block asking the same call.
    function storeTwice(uint256 value) external {
        stored = value;
        emit Stored(msg.sender, value);
        emit Stored(msg.sender, value);
    }

    function scaled(uint256 factor) external view returns (uint256) {
        return stored * factor;
    }

    function scaled(uint256 factor, uint256 offset) external view returns (uint256) {
        return stored * factor + offset;
    }

    function describe() external view returns (string memory label, address self, uint8 small) {
        return ("vault", address(this), uint8(stored % 256));
    }

    function refuse() external pure returns (uint256) {
        revert("refused on purpose");
    }
}
