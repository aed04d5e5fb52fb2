// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ReentrantToken
/// @notice Test-only: on every transfer it calls back into a target with prepared calldata (a reentrancy
/// attempt), and records whether that call succeeded and what it returned.
contract ReentrantToken is ERC20 {
    address public callbackTarget;
    bytes public attack;
    bool public attackSucceeded;
    bytes public attackResult;
    uint256 public attempts;

    constructor() ERC20("Reentrant Token", "REENTER") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Arms the callback: each transfer calls `target` with `data` (empty data disarms it).
    function arm(address target_, bytes calldata data) external {
        callbackTarget = target_;
        attack = data;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        if (attack.length != 0 && from != address(0)) {
            ++attempts;
            bytes memory data = attack;
            delete attack;
            (attackSucceeded, attackResult) = callbackTarget.call(data);
        }
    }
}
