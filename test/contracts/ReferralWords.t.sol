// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ReferralEscrow} from "../../contracts/referral/ReferralEscrow.sol";
import {CodeEntryWords, EnrolmentWords} from "../../contracts/referral/ReferralWords.sol";
import {Assertions} from "./utils/Assertions.sol";
import {ReferralEscrowDeployment} from "./utils/ReferralEscrowDeployment.sol";

/// @title ReferralWordsTest
/// @notice The named layouts of ReferralEscrow's enrolment and code words: the same bits as Solidity's packing
/// of the structs (declared here as the escrow declares them), the same bits as the live escrow stores, and a
/// period update that keeps the terms.
contract ReferralWordsTest is Assertions, ReferralEscrowDeployment {
    /// @dev `ReferralEscrow.Enrolment`, member for member.
    struct Enrolment {
        uint16 rateBps;
        uint96 fixedCommission;
        uint40 periodStart;
        uint32 periodCount;
    }

    /// @dev `ReferralEscrow.CodeEntry`, member for member.
    struct CodeEntry {
        uint40 partnerId;
        address owner;
        uint56 payoutTag;
    }

    /// @dev keccak256(abi.encode(uint256(keccak256("dcrm.storage.ReferralEscrow")) - 1)) & ~bytes32(uint256(0xff))
    uint256 private constant NAMESPACE = 0xd3513285aff031fdaf625e19377e13d81dbd9cd96f1fa54f13a43458477c2800;
    /// @dev The members' slots in the namespace: `codes` is the second, `enrolments` the fifth.
    uint256 private constant CODES_SLOT = NAMESPACE + 1;
    uint256 private constant ENROLMENTS_SLOT = NAMESPACE + 4;

    /// @dev Slots 0 and 1 of this contract: where Solidity stores the structs for the layout comparison.
    Enrolment private storedEnrolment;
    CodeEntry private storedCode;

    function testFuzz_enrolmentWord_readsEachFieldAsSolidityStoresIt(
        uint16 rateBps,
        uint96 fixedCommission,
        uint40 periodStart,
        uint32 periodCount
    ) public {
        storedEnrolment = Enrolment(rateBps, fixedCommission, periodStart, periodCount);
        uint256 word = uint256(vm.load(address(this), bytes32(0)));
        assertEq(EnrolmentWords.rateBps(word), rateBps, "rateBps");
        assertEq(EnrolmentWords.fixedCommission(word), fixedCommission, "fixedCommission");
        assertEq(EnrolmentWords.periodStart(word), periodStart, "periodStart");
        assertEq(EnrolmentWords.periodCount(word), periodCount, "periodCount");
    }

    function testFuzz_enrolmentWord_withPeriod_replacesOnlyTheCounter(
        uint16 rateBps,
        uint96 fixedCommission,
        uint40 periodStart,
        uint32 periodCount,
        uint40 newStart,
        uint32 newCount
    ) public {
        storedEnrolment = Enrolment(rateBps, fixedCommission, periodStart, periodCount);
        uint256 word = uint256(vm.load(address(this), bytes32(0)));
        storedEnrolment = Enrolment(rateBps, fixedCommission, newStart, newCount);
        uint256 expected = uint256(vm.load(address(this), bytes32(0)));
        assertEq(EnrolmentWords.withPeriod(word, newStart, newCount), expected, "updated word");
    }

    function testFuzz_codeWord_readsEachFieldAsSolidityStoresIt(uint40 partnerId, address owner, address payout)
        public
    {
        storedCode = CodeEntry(partnerId, owner, CodeEntryWords.tagOf(payout));
        uint256 word = uint256(vm.load(address(this), bytes32(uint256(1))));
        assertEq(CodeEntryWords.partnerId(word), partnerId, "partnerId");
        assertEq(CodeEntryWords.owner(word), owner, "owner");
        assertEq(CodeEntryWords.payoutTag(word), uint56(uint160(payout)), "payoutTag");
    }

    /// @notice The escrow's own words, read from its storage, decode to what its views report.
    function test_liveEscrowWords_decodeToItsViews() public {
        address admin = account("admin");
        address owner = account("owner");
        address payout = account("payout");
        address storefront = account("storefront");
        bytes32 code = "LAYOUT";
        vm.warp(1_750_000_000);
        ReferralEscrow escrow = deployReferralEscrow(admin, 3_000);
        uint40 partnerId = registerPartner(escrow, owner, code, payout);
        vm.startPrank(storefront);
        escrow.enrolPartner(code, 0, 123_456_789);
        escrow.setReferralCap(5, 1 days);
        vm.stopPrank();

        uint256 codeWord = uint256(vm.load(address(escrow), keccak256(abi.encode(code, CODES_SLOT))));
        assertEq(CodeEntryWords.partnerId(codeWord), partnerId, "code word: partnerId");
        assertEq(CodeEntryWords.owner(codeWord), owner, "code word: owner");
        assertEq(CodeEntryWords.payoutTag(codeWord), CodeEntryWords.tagOf(payout), "code word: payoutTag");

        bytes32 storefrontSlot = keccak256(abi.encode(storefront, ENROLMENTS_SLOT));
        bytes32 enrolmentSlot = keccak256(abi.encode(uint256(partnerId), storefrontSlot));
        uint256 termsWord = uint256(vm.load(address(escrow), enrolmentSlot));
        assertEq(EnrolmentWords.rateBps(termsWord), 0, "enrolment word: rateBps");
        assertEq(EnrolmentWords.fixedCommission(termsWord), 123_456_789, "enrolment word: fixedCommission");
        assertEq(EnrolmentWords.periodCount(termsWord), 0, "enrolment word: count before any referral");
    }
}
