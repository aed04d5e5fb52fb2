// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC1967Proxy} from "@openzeppelin/contracts/proxy/ERC1967/ERC1967Proxy.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {ConsentRegistry} from "../../../contracts/consent/ConsentRegistry.sol";
import {IConsentRegistry} from "../../../contracts/consent/IConsentRegistry.sol";
import {DataAccessPayments} from "../../../contracts/dataAccess/DataAccessPayments.sol";
import {TestToken} from "../../../contracts/mocks/tokens/TestToken.sol";
import {Vm, VM_ADDRESS} from "./Vm.sol";

/// @title DataAccessPaymentsDeployment
/// @notice Deploys ConsentRegistry and DataAccessPayments behind ERC1967 proxies, as production does, with a
/// TestToken as payment token, and the steps every data-access test repeats: granting consent and depositing.
abstract contract DataAccessPaymentsDeployment {
    Vm internal constant vm = Vm(VM_ADDRESS);

    /// @notice A fresh registry proxy administered by `admin`.
    function deployConsentRegistry(address admin) internal returns (ConsentRegistry registry) {
        ConsentRegistry implementation = new ConsentRegistry();
        bytes memory initializeCall = abi.encodeCall(ConsentRegistry.initialize, (admin));
        registry = ConsentRegistry(address(new ERC1967Proxy(address(implementation), initializeCall)));
        vm.label(address(registry), "ConsentRegistry");
    }

    /// @notice A fresh payments proxy administered by `admin`, reading `registry`, paid in `token`, charging
    /// `feeBps` for `feeRecipient`.
    function deployDataAccessPayments(
        address admin,
        ConsentRegistry registry,
        TestToken token,
        address feeRecipient,
        uint16 feeBps
    ) internal returns (DataAccessPayments payments) {
        DataAccessPayments implementation = new DataAccessPayments();
        bytes memory initializeCall = abi.encodeCall(
            DataAccessPayments.initialize,
            (admin, IConsentRegistry(address(registry)), IERC20(address(token)), feeRecipient, feeBps)
        );
        payments = DataAccessPayments(address(new ERC1967Proxy(address(implementation), initializeCall)));
        vm.label(address(payments), "DataAccessPayments");
    }

    /// @notice `shopper` grants `consumer` consent to `scope` at `price` until `expiresAt`.
    function grantConsent(
        ConsentRegistry registry,
        address shopper,
        address consumer,
        bytes32 scope,
        uint96 price,
        uint40 expiresAt
    ) internal {
        vm.prank(shopper);
        registry.grant(consumer, scope, price, expiresAt);
    }

    /// @notice Mints `amount` to `consumer`, which approves `payments` and deposits it.
    function depositFor(DataAccessPayments payments, TestToken token, address consumer, uint256 amount) internal {
        token.mint(consumer, amount);
        vm.startPrank(consumer);
        token.approve(address(payments), amount);
        payments.deposit(amount);
        vm.stopPrank();
    }

    /// @notice A deterministic address named after `name` and `index`.
    function account(string memory name, uint256 index) internal pure returns (address) {
        return address(uint160(uint256(keccak256(abi.encode(name, index)))));
    }
}
