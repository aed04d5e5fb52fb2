// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {AccessControlUpgradeable} from "@openzeppelin/contracts-upgradeable/access/AccessControlUpgradeable.sol";
import {UUPSUpgradeable} from "@openzeppelin/contracts-upgradeable/proxy/utils/UUPSUpgradeable.sol";
import {NoncesUpgradeable} from "@openzeppelin/contracts-upgradeable/utils/NoncesUpgradeable.sol";
import {IERC20} from "@openzeppelin/contracts/token/ERC20/IERC20.sol";
import {SafeERC20} from "@openzeppelin/contracts/token/ERC20/utils/SafeERC20.sol";
import {ReentrancyGuardTransient} from "@openzeppelin/contracts/utils/ReentrancyGuardTransient.sol";
import {SignatureChecker} from "@openzeppelin/contracts/utils/cryptography/SignatureChecker.sol";

import {ConstantEIP712} from "../common/ConstantEIP712.sol";
import {IConsentRegistry} from "../consent/IConsentRegistry.sol";
import {IDataAccessPayments} from "./IDataAccessPayments.sol";

/// @title DataAccessPayments
/// @notice Micropayments for consented data access. A data consumer deposits the payment token and records
/// its accesses (one, or a batch such as an analytics job over 500 shoppers); each access checks the
/// shopper's active consent in ConsentRegistry for that consumer and scope, debits the consumer the consent's
/// price, and credits the shopper the price less a platform fee. Shoppers withdraw their earnings, to
/// themselves or to an address they sign for. Behind a UUPS proxy.
/// @dev A batch with an access that has no active consent (or a price above the consumer's maximum) reverts
/// whole and names the shopper: nobody pays or is paid for an access without consent. Consumers can check
/// `ConsentRegistry.quotes` first. Platform fees accrue in one slot (`accruedFees`) once per batch and are
/// paid to the fee recipient by `withdrawFees`.
/// Deposits are credited by what arrived (fee-on-transfer tokens); rebasing tokens are unsupported.
/// The pause flag shares a slot with the registry and the fee rate instead of OpenZeppelin's Pausable slot,
/// so recording reads one slot for all three; it keeps Pausable's events and errors.
contract DataAccessPayments is
    IDataAccessPayments,
    AccessControlUpgradeable,
    ConstantEIP712,
    NoncesUpgradeable,
    ReentrancyGuardTransient,
    UUPSUpgradeable
{
    using SafeERC20 for IERC20;

    /// @inheritdoc IDataAccessPayments
    bytes32 public constant PAUSER_ROLE = keccak256("PAUSER_ROLE");
    /// @inheritdoc IDataAccessPayments
    bytes32 public constant UPGRADER_ROLE = keccak256("UPGRADER_ROLE");
    /// @inheritdoc IDataAccessPayments
    uint16 public constant MAX_FEE_BPS = 2_000;
    /// @inheritdoc IDataAccessPayments
    string public constant DOMAIN_NAME = "dCRM DataAccessPayments";

    uint256 private constant BPS = 10_000;
    /// @dev ConsentRegistry.QUOTE_ACTIVE.
    uint256 private constant QUOTE_ACTIVE = 1 << 255;
    bytes32 private constant DOMAIN_NAME_HASH = keccak256(bytes(DOMAIN_NAME));
    bytes32 private constant EARNINGS_WITHDRAWAL_TYPEHASH =
        keccak256("EarningsWithdrawal(address shopper,address to,uint256 amount,uint256 nonce,uint256 deadline)");

    /// @custom:storage-location erc7201:dcrm.storage.DataAccessPayments
    struct DataAccessPaymentsStorage {
        // Recording reads the registry, the fee rate and the pause from one slot, and accrues fees in another.
        IConsentRegistry registry;
        uint16 feeBps;
        bool paused;
        IERC20 paymentToken;
        address feeRecipient;
        uint96 accruedFees;
        mapping(address consumer => uint256) deposits;
        mapping(address account => uint256) earnings;
    }

    // keccak256(abi.encode(uint256(keccak256("dcrm.storage.DataAccessPayments")) - 1)) & ~bytes32(uint256(0xff))
    bytes32 private constant DATA_ACCESS_PAYMENTS_STORAGE =
        0xea6f6e0bd8bb51ad5cd51bc3ec483856f801b1a07e03f133aeed422a81e91100;

    /// @dev Deposits, accesses and withdrawals stop while paused.
    modifier whenNotPaused() {
        if (_getDataAccessPaymentsStorage().paused) revert EnforcedPause();
        _;
    }

    /// @custom:oz-upgrades-unsafe-allow constructor
    constructor() {
        _disableInitializers();
    }

    /// @inheritdoc IDataAccessPayments
    function initialize(
        address admin,
        IConsentRegistry registry,
        IERC20 paymentToken,
        address feeRecipient,
        uint16 feeBps
    ) external initializer {
        if (address(registry) == address(0) || address(paymentToken) == address(0)) revert ZeroAddress();
        __AccessControl_init();
        __ConstantEIP712_init();
        __Nonces_init();
        _grantRole(DEFAULT_ADMIN_ROLE, admin);
        _grantRole(PAUSER_ROLE, admin);
        _grantRole(UPGRADER_ROLE, admin);
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        $.registry = registry;
        $.paymentToken = paymentToken;
        _setFee(feeRecipient, feeBps);
    }

    // ─── Consumers ──────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IDataAccessPayments
    function deposit(uint256 amount) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        IERC20 token = $.paymentToken;
        uint256 balanceBefore = token.balanceOf(address(this));
        token.safeTransferFrom(msg.sender, address(this), amount);
        uint256 received = token.balanceOf(address(this)) - balanceBefore;
        $.deposits[msg.sender] += received;
        emit Deposited(msg.sender, received);
    }

    /// @inheritdoc IDataAccessPayments
    function withdrawDeposit(uint256 amount, address to) external whenNotPaused nonReentrant {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        uint256 available = $.deposits[msg.sender];
        if (amount > available) revert InsufficientDeposit(msg.sender, available, amount);
        $.deposits[msg.sender] = available - amount;
        $.paymentToken.safeTransfer(to, amount);
        emit DepositWithdrawn(msg.sender, to, amount);
    }

    /// @inheritdoc IDataAccessPayments
    function recordAccess(address shopper, bytes32 scope, uint256 maxPricePerAccess) external whenNotPaused {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        (IConsentRegistry registry, uint256 feeBps) = ($.registry, $.feeBps);
        IConsentRegistry.ConsentQuote memory quote = registry.quote(shopper, msg.sender, scope);
        if (!quote.active) revert AccessWithoutConsent(shopper, scope);
        uint256 price = quote.pricePerAccess;
        if (price > maxPricePerAccess) revert PriceAboveMaximum(shopper, price, maxPricePerAccess);
        uint256 fee = price * feeBps / BPS;
        $.earnings[shopper] += price - fee;
        _debitTotal(msg.sender, price, fee);
        emit AccessRecorded(msg.sender, shopper, scope, price, fee);
    }

    /// @inheritdoc IDataAccessPayments
    function recordAccesses(bytes32 scope, address[] calldata shoppers, uint256 maxPricePerAccess)
        external
        whenNotPaused
    {
        _recordAccesses(scope, shoppers, maxPricePerAccess);
    }

    // ─── Shoppers ───────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IDataAccessPayments
    function withdrawEarnings(uint256 amount) external whenNotPaused nonReentrant {
        _withdrawEarnings(msg.sender, msg.sender, amount);
    }

    /// @inheritdoc IDataAccessPayments
    function withdrawEarningsBySignature(EarningsWithdrawal calldata withdrawal, bytes calldata signature)
        external
        whenNotPaused
        nonReentrant
    {
        if (block.timestamp > withdrawal.deadline) revert SignatureExpired(withdrawal.deadline, block.timestamp);
        _useCheckedNonce(withdrawal.shopper, withdrawal.nonce);
        bytes32 digest = _hashTypedDataV4(keccak256(abi.encode(EARNINGS_WITHDRAWAL_TYPEHASH, withdrawal)));
        if (!SignatureChecker.isValidSignatureNowCalldata(withdrawal.shopper, digest, signature)) {
            revert InvalidShopperSignature(withdrawal.shopper);
        }
        _withdrawEarnings(withdrawal.shopper, withdrawal.to, withdrawal.amount);
    }

    // ─── Admin ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IDataAccessPayments
    function setFee(address feeRecipient, uint16 feeBps) external onlyRole(DEFAULT_ADMIN_ROLE) {
        _setFee(feeRecipient, feeBps);
    }

    /// @inheritdoc IDataAccessPayments
    /// @dev Admin only, so that nobody can front-run a change of fee recipient (`setFee`) and send the fees to
    /// the recipient being replaced, whose key may have leaked: the admin changes the recipient, then
    /// withdraws. The recipient itself cannot trigger it for the same reason.
    function withdrawFees() external onlyRole(DEFAULT_ADMIN_ROLE) whenNotPaused nonReentrant {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        uint256 amount = $.accruedFees;
        if (amount == 0) revert ZeroAmount();
        $.accruedFees = 0;
        address recipient = $.feeRecipient;
        $.paymentToken.safeTransfer(recipient, amount);
        emit FeesWithdrawn(recipient, amount);
    }

    /// @inheritdoc IDataAccessPayments
    function pause() external onlyRole(PAUSER_ROLE) {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        if ($.paused) revert EnforcedPause();
        $.paused = true;
        emit Paused(_msgSender());
    }

    /// @inheritdoc IDataAccessPayments
    function unpause() external onlyRole(PAUSER_ROLE) {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        if (!$.paused) revert ExpectedPause();
        $.paused = false;
        emit Unpaused(_msgSender());
    }

    /// @inheritdoc IDataAccessPayments
    function paused() external view returns (bool) {
        return _getDataAccessPaymentsStorage().paused;
    }

    // ─── Views ──────────────────────────────────────────────────────────────────────────────────────────

    /// @inheritdoc IDataAccessPayments
    function depositOf(address consumer) external view returns (uint256) {
        return _getDataAccessPaymentsStorage().deposits[consumer];
    }

    /// @inheritdoc IDataAccessPayments
    function earningsOf(address account) external view returns (uint256) {
        return _getDataAccessPaymentsStorage().earnings[account];
    }

    /// @inheritdoc IDataAccessPayments
    function settings()
        external
        view
        returns (IConsentRegistry registry, IERC20 paymentToken, address feeRecipient, uint16 feeBps)
    {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        return ($.registry, $.paymentToken, $.feeRecipient, $.feeBps);
    }

    /// @inheritdoc IDataAccessPayments
    function nonces(address shopper) public view override(IDataAccessPayments, NoncesUpgradeable) returns (uint256) {
        return super.nonces(shopper);
    }

    /// @inheritdoc IDataAccessPayments
    function accruedFees() external view returns (uint256) {
        return _getDataAccessPaymentsStorage().accruedFees;
    }

    // ─── Internals ──────────────────────────────────────────────────────────────────────────────────────

    function _recordAccesses(bytes32 scope, address[] memory shoppers, uint256 maxPricePerAccess) private {
        if (shoppers.length == 0) revert EmptyBatch();
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        (IConsentRegistry registry, uint256 feeBps) = ($.registry, $.feeBps);
        uint256[] memory quotes = registry.quotes(msg.sender, scope, shoppers);
        uint256 total;
        uint256 totalFee;
        mapping(address => uint256) storage earnings = $.earnings;
        for (uint256 i; i < shoppers.length; ++i) {
            address shopper = shoppers[i];
            uint256 quote = quotes[i];
            if (quote & QUOTE_ACTIVE == 0) revert AccessWithoutConsent(shopper, scope);
            uint256 price = quote & ~QUOTE_ACTIVE;
            if (price > maxPricePerAccess) revert PriceAboveMaximum(shopper, price, maxPricePerAccess);
            uint256 fee = price * feeBps / BPS;
            earnings[shopper] += price - fee;
            emit DataAccessed(shopper, price);
            total += price;
            totalFee += fee;
        }
        _debitTotal(msg.sender, total, totalFee);
        // feeBps is at most MAX_FEE_BPS.
        emit AccessesRecorded(msg.sender, scope, shoppers.length, total, totalFee, uint16(feeBps));
    }

    /// @dev Debits the consumer `total` and accrues `totalFee` to the platform.
    function _debitTotal(address consumer, uint256 total, uint256 totalFee) private {
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        uint256 available = $.deposits[consumer];
        if (total > available) revert InsufficientDeposit(consumer, available, total);
        $.deposits[consumer] = available - total;
        if (totalFee != 0) {
            uint256 accrued = $.accruedFees + totalFee;
            if (accrued > type(uint96).max) revert FeesOverflow(accrued);
            // Bounded just above.
            $.accruedFees = uint96(accrued);
        }
    }

    function _withdrawEarnings(address account, address to, uint256 amount) private {
        if (amount == 0) revert ZeroAmount();
        if (to == address(0)) revert ZeroAddress();
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        uint256 available = $.earnings[account];
        if (amount > available) revert InsufficientEarnings(account, available, amount);
        $.earnings[account] = available - amount;
        $.paymentToken.safeTransfer(to, amount);
        emit EarningsWithdrawn(account, to, amount);
    }

    function _setFee(address feeRecipient, uint16 feeBps) private {
        if (feeRecipient == address(0)) revert ZeroAddress();
        if (feeBps > MAX_FEE_BPS) revert FeeTooHigh(feeBps, MAX_FEE_BPS);
        DataAccessPaymentsStorage storage $ = _getDataAccessPaymentsStorage();
        $.feeRecipient = feeRecipient;
        $.feeBps = feeBps;
        emit FeeSet(feeRecipient, feeBps);
    }

    function _EIP712Name() internal pure override returns (string memory) {
        return DOMAIN_NAME;
    }

    function _domainNameHash() internal pure override returns (bytes32) {
        return DOMAIN_NAME_HASH;
    }

    function _authorizeUpgrade(address) internal override onlyRole(UPGRADER_ROLE) {}

    function _getDataAccessPaymentsStorage() private pure returns (DataAccessPaymentsStorage storage $) {
        assembly {
            $.slot := DATA_ACCESS_PAYMENTS_STORAGE
        }
    }
}
