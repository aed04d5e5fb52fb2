// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";

/// @title ExpiringToken
/// @notice Test-only: an ERC-20 whose holders can lose balance to anyone, as points with expiry on can be
/// expired by a keeper. It stands for any budget token whose balance in a custodian can fall without the
/// custodian's doing.
contract ExpiringToken is ERC20 {
    constructor() ERC20("Expiring Points", "XPTS") {}

    /// @notice Mints `amount` to `to`.
    function mint(address to, uint256 amount) external {
        _mint(to, amount);
    }

    /// @notice Destroys `amount` of `holder`'s balance; anyone may.
    function expire(address holder, uint256 amount) external {
        _burn(holder, amount);
    }
}
