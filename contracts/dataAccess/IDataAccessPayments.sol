// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";

import {IAccessControl} from "@openzeppelin/contracts/access/IAccessControl.sol";

import {ICommonErrors} from "../common/ICommonErrors.sol";
import {IConstantEIP712} from "../common/IConstantEIP712.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";

/// @title IDataAccessPayments
/// @notice Data consumers prepay a deposit and pay per consented access; shoppers earn the price less a
/// platform fee and withdraw their earnings.
/// @dev Roles are OpenZeppelin's AccessControl (`IAccessControl`); the signing domain is `IConstantEIP712`'s.
interface IDataAccessPayments is IAccessControl, IConstantEIP712, ICommonErrors {
    /// @notice A withdrawal of earnings to another address, as the shopper signs it (EIP-712).
    struct EarningsWithdrawal {
        address shopper;
        address to;
        uint256 amount;
        uint256 nonce;
        uint256 deadline;
    }

    /// @notice `consumer` deposited; `amount` is what arrived.
    event Deposited(address indexed consumer, uint256 amount);

    /// @notice `consumer` withdrew unspent deposit to `to`.
    event DepositWithdrawn(address indexed consumer, address to, uint256 amount);

    /// @notice `consumer` read `shopper`'s `scope` with its consent, paying `price`, of which `fee` went to the
    /// platform and the rest to the shopper (a single access: `recordAccess`).
    event AccessRecorded(
        address indexed consumer, address indexed shopper, bytes32 indexed scope, uint256 price, uint256 fee
    );

    /// @notice One access of a batch to `shopper`'s data, paid `price` (the shopper earned it less the fee).
    /// @dev Emitted once per access, before the `AccessesRecorded` of its batch, which names the consumer, the
    /// scope and the fee rate: the access's fee is `price * feeBps / 10_000`. Repeating those in every access
    /// would cost each about 630 gas.
    event DataAccessed(address indexed shopper, uint256 price);

    /// @notice `consumer` read `scope` of the shoppers of the `count` `DataAccessed` events just before this one
    /// (log indexes `logIndex - count` to `logIndex - 1`), paying `total`, of which `fee` (at `feeBps`) went to
    /// the platform.
    event AccessesRecorded(
        address indexed consumer, bytes32 indexed scope, uint256 count, uint256 total, uint256 fee, uint16 feeBps
    );

    /// @notice `account` withdrew earnings to `to`.
    event EarningsWithdrawn(address indexed account, address to, uint256 amount);

    /// @notice The accrued platform fees were paid to the fee recipient.
    event FeesWithdrawn(address indexed feeRecipient, uint256 amount);

    /// @notice Deposits, accesses and withdrawals were stopped by `account`.
    event Paused(address account);

    /// @notice Deposits, accesses and withdrawals were resumed by `account`.
    event Unpaused(address account);

    /// @notice The admin set the platform fee.
    event FeeSet(address feeRecipient, uint16 feeBps);

    /// @notice The shopper has no active consent for the consumer and scope: nobody pays or is paid.
    error AccessWithoutConsent(address shopper, bytes32 scope);

    /// @notice The consent's price is above the most the consumer agreed to pay.
    error PriceAboveMaximum(address shopper, uint256 price, uint256 maxPricePerAccess);

    /// @notice The deposit cannot cover `needed`.
    error InsufficientDeposit(address consumer, uint256 available, uint256 needed);

    /// @notice The earnings cannot cover `needed`.
    error InsufficientEarnings(address account, uint256 available, uint256 needed);

    /// @notice A fee above `MAX_FEE_BPS`.
    error FeeTooHigh(uint16 feeBps, uint16 maxFeeBps);

    /// @notice Accrued fees would not fit 96 bits; withdraw them first.
    error FeesOverflow(uint256 accrued);

    /// @notice Payments are paused.
    error EnforcedPause();

    /// @notice Payments are not paused.
    error ExpectedPause();

    /// @notice The signature is not the shopper's.
    error InvalidShopperSignature(address shopper);

    // ─── Constants and setup ────────────────────────────────────────────────────────────────────────────

    /// @notice The role that pauses and unpauses payments.
    /// @return The role's identifier, keccak256("PAUSER_ROLE").
    function PAUSER_ROLE() external view returns (bytes32);

    /// @notice The role that upgrades the implementation.
    /// @return The role's identifier, keccak256("UPGRADER_ROLE").
    function UPGRADER_ROLE() external view returns (bytes32);

    /// @notice The highest platform fee.
    /// @return 2,000 basis points (20%).
    function MAX_FEE_BPS() external view returns (uint16);

    /// @notice The EIP-712 domain name of signed withdrawals.
    /// @return "dCRM DataAccessPayments".
    function DOMAIN_NAME() external view returns (string memory);

    /// @notice Sets up the proxy: the registry consulted for consent, the payment token (consent prices are in
    /// it), the fee, and `admin` as admin, pauser and upgrader. Callable once. Reverts with `ZeroAddress` when
    /// the registry or the token is zero.
    /// @param admin The account given the admin, pauser and upgrader roles.
    /// @param registry The consent registry.
    /// @param paymentToken The token deposits, prices and earnings are in.
    /// @param feeRecipient Who earns the platform fee.
    /// @param feeBps The platform fee, in basis points (at most `MAX_FEE_BPS`).
    function initialize(
        address admin,
        IConsentRegistry registry,
        IERC20 paymentToken,
        address feeRecipient,
        uint16 feeBps
    ) external;

    // ─── Consumers ──────────────────────────────────────────────────────────────────────────────────────

    /// @notice Deposits `amount` of the payment token for the caller's accesses, credited by what arrived
    /// (fee-on-transfer tokens). Needs an allowance.
    function deposit(uint256 amount) external;

    /// @notice Withdraws `amount` of the caller's unspent deposit to `to`.
    function withdrawDeposit(uint256 amount, address to) external;

    /// @notice Records one access by the caller to `shopper`'s `scope`, paying the consent's price (at most
    /// `maxPricePerAccess`) from the caller's deposit.
    function recordAccess(address shopper, bytes32 scope, uint256 maxPricePerAccess) external;

    /// @notice Records accesses by the caller to `scope` of each of `shoppers`, in one transaction; any access
    /// without active consent, or priced above `maxPricePerAccess`, reverts the batch, naming the shopper.
    function recordAccesses(bytes32 scope, address[] calldata shoppers, uint256 maxPricePerAccess) external;

    // ─── Shoppers ───────────────────────────────────────────────────────────────────────────────────────

    /// @notice Withdraws `amount` of the caller's earnings to the caller.
    function withdrawEarnings(uint256 amount) external;

    /// @notice Withdraws a shopper's earnings to the address the shopper signed for; anyone may submit it.
    function withdrawEarningsBySignature(EarningsWithdrawal calldata withdrawal, bytes calldata signature) external;

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Sets the platform fee (at most `MAX_FEE_BPS`) and who earns it, for accesses from now on;
    /// fees accrued so far go to the new recipient too. Admin only.
    function setFee(address feeRecipient, uint16 feeBps) external;

    /// @notice Pays the accrued platform fees to the fee recipient. Admin only, so that a change of fee
    /// recipient cannot be front-run to pay the recipient being replaced.
    function withdrawFees() external;

    /// @notice Stops deposits, accesses and withdrawals (fee payouts too). No funds move. Pauser only.
    function pause() external;

    /// @notice Resumes everything `pause` stopped. Pauser only.
    function unpause() external;

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @notice Whether deposits, accesses and withdrawals are stopped.
    function paused() external view returns (bool);

    /// @notice The consumer's unspent deposit.
    function depositOf(address consumer) external view returns (uint256);

    /// @notice The account's withdrawable earnings.
    function earningsOf(address account) external view returns (uint256);

    /// @notice The registry consulted for consent, the payment token, the fee recipient and the fee.
    function settings()
        external
        view
        returns (IConsentRegistry registry, IERC20 paymentToken, address feeRecipient, uint16 feeBps);

    /// @notice Platform fees accrued and not yet withdrawn.
    function accruedFees() external view returns (uint256);

    /// @notice The nonce the shopper's next signed withdrawal must carry.
    function nonces(address shopper) external view returns (uint256);
}
